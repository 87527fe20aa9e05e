package dev.xfer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.kernels.Tensors;
import dev.xfer.model.io.KerasH5;
import dev.xfer.model.io.KerasLayer;
import dev.xfer.model.io.KerasWeights;
import dev.xfer.model.io.SafeTensors;
import dev.xfer.model.io.TensorData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The full-size network loaded from a Keras-layout .h5 and from a timm-keyed .safetensors of random
 * weights (written by the test) against {@link ReferenceXception}, at Keras' minimum input, the
 * recipe's 224 and Keras' default 299, in both numerics modes and both memory layouts (NCHW and the
 * CPU default, channels-last). Error is measured relative to the
 * largest reference feature: max |xfer - reference| / max |reference| <= 1e-4.
 */
class XceptionParityTest {
  private static final double TOLERANCE = 1e-4;

  @TempDir static Path dir;
  private static PointerScope scope;
  private static List<KerasLayer> kerasLayers;
  private static Path h5;
  private static Path timmFile;

  @BeforeAll
  static void writeFixtures() throws Exception {
    scope = new PointerScope();
    kerasLayers = RandomKerasXception.layers(2024, 0);
    h5 = dir.resolve("xception_random_notop.h5");
    KerasH5.write(h5, new KerasWeights("2.10.0", "tensorflow", kerasLayers));
    // timm file: the same weights under timm names, as legacy_xception's state dict stores them
    Map<String, TensorData> timm = new LinkedHashMap<>(
        KerasXceptionMapping.toStateDict(new KerasWeights("2.10.0", "tensorflow", kerasLayers), 12, "fixture"));
    timm.put("bn1.num_batches_tracked", new TensorData(new long[] {}, new float[] {0f}, dev.xfer.model.io.DType.I64));
    timmFile = dir.resolve("legacy_xception_random.safetensors");
    SafeTensors.write(timmFile, timm, Map.of());
  }

  @AfterAll
  static void release() {
    scope.close();
  }

  @ParameterizedTest(name = "keras numerics, input {0}")
  @ValueSource(ints = {71, 224, 299})
  void kerasH5MatchesReference(int size) throws Exception {
    LoadedModel loaded = ModelLoader.load(h5, ModelLoader.Format.AUTO, null, null);
    assertEquals("keras", loaded.format());
    assertEquals(Numerics.KERAS, loaded.config().numerics());
    assertParity(loaded, size, reference(1e-3, true));
  }

  @ParameterizedTest(name = "timm numerics, input {0}")
  @ValueSource(ints = {71, 224, 299})
  void timmSafetensorsMatchesReference(int size) throws Exception {
    LoadedModel loaded = ModelLoader.load(timmFile, ModelLoader.Format.AUTO, null, null);
    assertEquals("timm", loaded.format());
    assertEquals(Numerics.TIMM, loaded.config().numerics());
    assertParity(loaded, size, reference(1e-5, false));
  }

  /** At 224 the pools 28->14 and 14->7 are asymmetric in TF: the two conventions must give different features. */
  @Test
  void numericsModesDifferAt224() throws Exception {
    try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Numerics kerasPoolsTimmEps = new Numerics("keras-pools", 1e-5, 0.1, true);
      Tensor x = input(224, 1);
      Tensor same = ModelLoader.load(timmFile, ModelLoader.Format.AUTO, kerasPoolsTimmEps, null).build("t").forward(x);
      Tensor symmetric = ModelLoader.load(timmFile, ModelLoader.Format.AUTO, null, null).build("t").forward(x);
      double diff = scaledError(Tensors.toFloatArray(same), Tensors.toFloatArray(symmetric));
      assertTrue(diff > 100 * TOLERANCE, "pooling conventions should differ at 224, relative difference " + diff);
    }
  }

  /**
   * The backward pass of a training step: batch statistics in every BatchNorm, the gradient of the features with
   * respect to the images, at 224 (where two TF 'same' pools are asymmetric). The input gradient passes through every
   * ReLU mask (xfer's overwrite BatchNorm outputs in place), every pool's choice of maximum and every BatchNorm's
   * backward. NCHW float32 must equal the float32 reference's, which runs the same LibTorch kernels; as in
   * RealShapeParityTest, channels-last float32 must be as close to the float64 reference as NCHW is.
   */
  @Test
  void trainingModeInputGradientsMatchReference() throws Exception {
    try (PointerScope s = new PointerScope()) {
      Tensor x = input(224, 2);
      Random rng = new Random(7);
      float[] weights = new float[2 * 2048];
      for (int i = 0; i < weights.length; i++) weights[i] = (float) rng.nextGaussian();
      Tensor upstream = Tensors.ofFloats(weights, 2, 2048);
      float[] ref32 = referenceInputGradient(x, upstream, ScalarType.Float);
      float[] ref64 = referenceInputGradient(x, upstream, ScalarType.Double);
      LoadedModel loaded = ModelLoader.load(h5, ModelLoader.Format.AUTO, null, null);
      double nchwError = Double.NaN;
      for (boolean channelsLast : new boolean[] {false, true}) {
        Xception model = loaded.build("fixture");
        if (channelsLast) model.useChannelsLast();
        model.train(true);
        Tensor ours = x.detach().requires_grad_(true);
        model.forward(ours).mul(upstream).sum().backward();
        float[] gradient = Tensors.toFloatArray(ours.grad());
        double err = scaledError(gradient, ref64);
        String layout = channelsLast ? "channels-last" : "NCHW";
        System.out.printf("xception training-mode input gradient, input 224, %s: max relative error %.2e against float64%n",
            layout, err);
        if (!channelsLast) {
          nchwError = err;
          assertEquals(0.0, scaledError(gradient, ref32), "NCHW: input gradient against the float32 reference");
        } else {
          assertTrue(err <= 2 * nchwError + 1e-5, "channels-last: input gradient off float64 by " + err + ", NCHW by " + nchwError);
        }
      }
    }
  }

  private static float[] referenceInputGradient(Tensor x, Tensor upstream, ScalarType type) {
    Tensor input = x.to(type).detach().requires_grad_(true);
    reference(1e-3, true, type).training(true).pooledFeatures(input).mul(upstream.to(type)).sum().backward();
    return Tensors.toFloatArray(input.grad().to(ScalarType.Float));
  }

  private static void assertParity(LoadedModel loaded, int size, ReferenceXception reference) {
    try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Tensor x = input(size, size == 71 ? 2 : 1);
      float[] ref = Tensors.toFloatArray(reference.pooledFeatures(x));
      for (boolean channelsLast : new boolean[] {false, true}) { // NCHW, and the CPU default
        Xception model = loaded.build("fixture");
        if (channelsLast) model.useChannelsLast();
        double err = scaledError(Tensors.toFloatArray(model.forward(x)), ref);
        String layout = channelsLast ? "channels-last" : "NCHW";
        System.out.printf("xception parity %s numerics, input %d, %s: max relative error %.2e%n",
            loaded.config().numerics().name(), size, layout, err);
        assertTrue(err <= TOLERANCE, layout + ": max |xfer - reference| / max |reference| = " + err);
      }
    }
  }

  private static ReferenceXception reference(double eps, boolean same) {
    return reference(eps, same, ScalarType.Float);
  }

  private static ReferenceXception reference(double eps, boolean same, ScalarType type) {
    Map<String, List<Tensor>> byName = new LinkedHashMap<>();
    List<String> convs = new ArrayList<>();
    List<String> norms = new ArrayList<>();
    for (KerasLayer layer : kerasLayers) {
      List<Tensor> ts = new ArrayList<>();
      for (TensorData t : layer.weights()) ts.add(Tensors.ofFloats(t.values(), t.shape()).to(type));
      byName.put(layer.name(), ts);
      if (layer.name().startsWith("conv2d")) convs.add(layer.name());
      if (layer.name().startsWith("batch_normalization")) norms.add(layer.name());
    }
    return new ReferenceXception(byName, convs, norms, eps, same);
  }

  private static Tensor input(int size, int n) {
    Random rng = new Random(size);
    float[] v = new float[n * 3 * size * size];
    for (int i = 0; i < v.length; i++) v[i] = rng.nextFloat() * 2 - 1;
    return Tensors.ofFloats(v, n, 3, size, size);
  }

  private static double scaledError(float[] a, float[] b) {
    double err = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      err = Math.max(err, Math.abs((double) a[i] - b[i]));
      scale = Math.max(scale, Math.abs((double) b[i]));
    }
    return err / scale;
  }
}
