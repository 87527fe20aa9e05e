package dev.xfer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.kernels.DepthwiseBackwardKernel;
import dev.xfer.testing.PointerScopeExtension;
import dev.xfer.train.MixedPrecision;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The backward pass cut at the depthwise convolutions and block inputs against LibTorch's autograd in one piece. */
@ExtendWith(PointerScopeExtension.class)
class GraphCutsTest {

  /**
   * With LibTorch's own depthwise kernels behind the cuts, every parameter's gradient, stem to classifier, equals
   * the one-piece backward pass bit for bit: the cuts move no arithmetic, they only split the graph.
   */
  @Test
  void cutBackwardEqualsAutogradBitForBit() {
    String before = System.setProperty(DepthwiseBackwardKernel.LIBTORCH_PROPERTY, "true");
    try {
      List<Tensor[]> pairs = gradients(tinyModel(), false);
      for (Tensor[] p : pairs) assertTrue(torch.equal(p[0], p[1]), "a gradient differs");
    } finally {
      restore(before);
    }
  }

  /** With the native kernel where this CPU runs it: every gradient within 1e-4 of its largest value. */
  @Test
  void nativeDepthwiseGradientsMatchAutograd() {
    for (Tensor[] p : gradients(tinyModel(), false)) {
      double scale = p[0].abs().max().item_double();
      double worst = p[0].sub(p[1]).abs().max().item_double();
      assertTrue(worst <= 1e-4 * scale + 1e-12, "largest difference " + worst + " against " + scale);
    }
  }

  /** Under bf16 autocast, as a bf16 training step runs: within 2^-5 of each gradient's largest value. */
  @Test
  void bf16AutocastGradientsMatchAutograd() {
    for (Tensor[] p : gradients(tinyModel(), true)) {
      double scale = p[0].abs().max().item_double();
      double worst = p[0].sub(p[1]).abs().max().item_double();
      assertTrue(worst <= scale / 32 + 1e-12, "largest difference " + worst + " against " + scale);
    }
  }

  /** A frozen stem and first block (no gradient wanted there) get none either way; the rest get theirs. */
  @Test
  void frozenParametersStayWithoutGradient() {
    Xception model = tinyModel();
    int frozen = 0;
    for (var it = model.named_parameters(); frozen < it.size(); frozen++) {
      String name = it.get(frozen).key().getString();
      if (!name.startsWith("conv1") && !name.startsWith("bn1") && !name.startsWith("conv2") && !name.startsWith("bn2")
          && !name.startsWith("block1.")) break;
      it.get(frozen).value().requires_grad_(false);
    }
    assertTrue(frozen > 4, "the stem and block1 come first");
    List<Tensor[]> pairs = gradients(model, false);
    assertEquals(model.parameters().get().length - frozen, pairs.size());
  }

  private static Xception tinyModel() {
    torch.manual_seed(3);
    Xception model = new Xception(new XceptionConfig(0.25, 2, 5, Numerics.KERAS));
    model.useChannelsLast();
    model.train(true);
    return model;
  }

  /** {autograd, cut} gradient pairs of every parameter that has one, from the same batch and loss. */
  private static List<Tensor[]> gradients(Xception model, boolean bf16) {
    Tensor images = torch.randn(2, 3, 80, 80);
    Tensor labels = torch.randint(0, 5, new long[] {2});
    List<List<Tensor>> runs = new ArrayList<>();
    for (boolean cut : new boolean[] {false, true}) {
      model.zero_grad(true);
      try (GraphCuts cuts = cut ? new GraphCuts() : GraphCuts.none()) {
        Tensor logits = MixedPrecision.toFloat(cuts.forward(model, () -> MixedPrecision.run(bf16, () -> model.forward(images))));
        cuts.backward(torch.cross_entropy(logits, labels));
      }
      List<Tensor> grads = new ArrayList<>();
      for (Tensor p : model.parameters().get()) grads.add(p.grad().defined() ? p.grad().clone() : null);
      runs.add(grads);
    }
    List<Tensor[]> pairs = new ArrayList<>();
    for (int i = 0; i < runs.get(0).size(); i++) {
      Tensor a = runs.get(0).get(i);
      Tensor b = runs.get(1).get(i);
      assertEquals(a == null, b == null, "parameter " + i + " has a gradient on one side only");
      if (a != null) pairs.add(new Tensor[] {a, b});
    }
    return pairs;
  }

  private static void restore(String before) {
    if (before == null) System.clearProperty(DepthwiseBackwardKernel.LIBTORCH_PROPERTY);
    else System.setProperty(DepthwiseBackwardKernel.LIBTORCH_PROPERTY, before);
  }
}
