package dev.xfer.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.testing.PointerScopeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The full-width Xception at the recipe's sizes, in both numerics and both memory layouts, against
 * the same network in NCHW float64: features and every parameter gradient. Library kernels are
 * chosen per shape and per CPU, so a compact network at a small size proves nothing about these (one
 * library release computed a single 224-px exit-flow shape 60% wrong in one layout on one CPU
 * generation).
 *
 * <p>BatchNorm runs in inference mode, as in the recipe's fine-tuning (Keras calls the base model
 * with {@code training=False}): the convolutions' forward and backward kernels are the same as in
 * training mode, and the gradients are well conditioned. With batch statistics over a batch of one
 * or two, a random deep network's gradients cancel so much that float32 differs from float64 by
 * about 1e-2 in either layout, which says nothing about the kernels.
 */
@Tag("slow")
@ExtendWith(PointerScopeExtension.class)
class RealShapeParityTest {
  /** Pooled features in float32 against float64, relative to the largest value, in either layout. */
  private static final double FEATURE_TOLERANCE = 1e-4;
  /**
   * NCHW float32 gradients against float64: measured up to 9e-3 on weights whose gradient sums over a
   * whole map (the same figure in both layouts, so it is the forward pass's rounding, not a kernel).
   */
  private static final double NCHW_GRADIENT_TOLERANCE = 2e-2;
  /** Channels-last must be as close to float64 as NCHW float32 is: at most twice its error, plus this. */
  private static final double LAYOUT_SLACK = 1e-5;

  @ParameterizedTest(name = "{0} px, {1} numerics")
  @CsvSource({"224, keras", "224, timm", "299, keras", "299, timm"})
  void float32LayoutsMatchFloat64(int size, String numerics) {
    XceptionConfig config = XceptionConfig.full(0, Numerics.byName(numerics));
    torch.manual_seed(size);
    Tensor x = torch.randn(new long[] {1, 3, size, size}, new TensorOptions(torch.ScalarType.Double));
    Tensor upstream = torch.randn(new long[] {1, config.featureChannels()}, new TensorOptions(torch.ScalarType.Double));
    Xception reference = new Xception(config);
    Map<String, Tensor> state = StateDict.tensorsOf(reference);
    Result exact = run(reference, x, upstream, torch.ScalarType.Double, false);
    List<String> failures = new ArrayList<>();
    Result nchw = run(copyOf(state, config), x, upstream, torch.ScalarType.Float, false);
    Result nhwc = run(copyOf(state, config), x, upstream, torch.ScalarType.Float, true);
    check(failures, "NCHW features", error(nchw.features, exact.features), FEATURE_TOLERANCE);
    check(failures, "channels-last features", error(nhwc.features, exact.features), FEATURE_TOLERANCE);
    for (String name : exact.gradients.keySet()) {
      double nchwError = error(nchw.gradients.get(name), exact.gradients.get(name));
      check(failures, "NCHW gradient of " + name, nchwError, NCHW_GRADIENT_TOLERANCE);
      check(failures, "channels-last gradient of " + name, error(nhwc.gradients.get(name), exact.gradients.get(name)),
          2 * nchwError + LAYOUT_SLACK);
    }
    assertTrue(failures.isEmpty(), size + " px, " + numerics + ": " + failures);
  }

  private record Result(Tensor features, Map<String, Tensor> gradients) {}

  private static Result run(Xception model, Tensor x, Tensor upstream, torch.ScalarType type, boolean channelsLast) {
    model.to(type, false);
    if (channelsLast) model.useChannelsLast();
    model.train(false);
    Tensor features = model.forwardHead(model.forwardFeatures(x.to(type)), true);
    features.mul(upstream.to(type)).sum().backward();
    Map<String, Tensor> gradients = new java.util.LinkedHashMap<>();
    for (var e : StateDict.tensorsOf(model).entrySet()) {
      Tensor g = e.getValue().grad();
      if (g.defined()) gradients.put(e.getKey(), g.to(torch.ScalarType.Double));
    }
    return new Result(features.detach().to(torch.ScalarType.Double), gradients);
  }

  private static Xception copyOf(Map<String, Tensor> state, XceptionConfig config) {
    Xception to = new Xception(config);
    try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
      for (var e : StateDict.tensorsOf(to).entrySet()) e.getValue().copy_(state.get(e.getKey()));
    }
    return to;
  }

  /** max |actual - expected| / max |expected|. */
  private static double error(Tensor actual, Tensor expected) {
    double scale = expected.abs().max().item_double();
    return actual.sub(expected).abs().max().item_double() / (scale > 0 ? scale : 1);
  }

  private static void check(List<String> failures, String what, double error, double tolerance) {
    if (!(error <= tolerance)) failures.add(String.format(Locale.ROOT, "%s off by %.2e (tolerance %.2e)", what, error, tolerance));
  }
}
