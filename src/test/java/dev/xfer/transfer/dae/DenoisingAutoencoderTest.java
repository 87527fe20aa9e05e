package dev.xfer.transfer.dae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.data.GrayImageData;
import dev.xfer.data.GrayImages;
import dev.xfer.kernels.Normalization;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelFile;
import dev.xfer.model.ModelLoader;
import dev.xfer.model.Numerics;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.transfer.adaptation.BatchNormAdaptation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DenoisingAutoencoderTest {
  @TempDir Path dir;

  @Test
  void corruptionMasksTheRequestedShareOfPatchesAndAddsNoiseOfTheRequestedSpread() {
    torch.manual_seed(3);
    Tensor ones = torch.ones(new long[] {16, 3, 72, 72});
    float[] masked = Tensors.toFloatArray(new Corruption(0.3, 0, 8).apply(ones));
    int zeros = 0;
    for (float v : masked) if (v == 0f) zeros++;
    assertEquals(0.3, (double) zeros / masked.length, 0.03, "share of masked pixels");
    // every 9x9 patch (72 / 8) is all kept or all masked, in all three channels alike
    assertEquals(masked[0], masked[8 + 8 * 72], 0);
    assertEquals(masked[0], masked[72 * 72], 0);
    float[] noisy = Tensors.toFloatArray(new Corruption(0, 0.2, 8).apply(torch.zeros(new long[] {4, 3, 72, 72})));
    double sq = 0;
    for (float v : noisy) sq += v * v;
    assertEquals(0.2, Math.sqrt(sq / noisy.length), 0.005, "noise standard deviation");
    assertTrue(torch.equal(ones, torch.ones(new long[] {16, 3, 72, 72})), "input left alone");
  }

  @Test
  void pretrainingLowersTheReconstructionErrorAndTheEncoderLoadsAsABackbone() throws Exception {
    torch.manual_seed(5);
    XceptionConfig config = new XceptionConfig(0.03, 0, 0, Numerics.KERAS);
    GrayImageData images = new GrayImageData(List.of("a", "b"), stripes(4), 71, Normalization.KERAS_XCEPTION, 1);
    DenoisingAutoencoder dae = new DenoisingAutoencoder(config);
    DaePretraining training = new DaePretraining(20, 4, 3e-3, new Corruption(0.2, 0.1, 14));
    torch.manual_seed(9);
    double before = training.evaluate(dae, images);
    List<Double> losses = training.run(dae, images, e -> {});
    BatchNormAdaptation.reestimate(dae.encoder(), images.inOrder(8)); // 20 steps barely move BN's running statistics
    torch.manual_seed(9);
    double after = training.evaluate(dae, images);
    System.out.printf("DAE reconstruction MSE on the training images: %.4f before, %.4f after; per epoch %s%n", before, after, losses);
    assertEquals(20, losses.size());
    assertTrue(after < 0.9 * before, "reconstruction error falls: " + before + " -> " + after);

    Path file = dir.resolve("encoder.safetensors");
    ModelFile.save(file, dae.encoder(), Preprocessing.keras(71), List.of());
    LoadedModel loaded = ModelLoader.load(file, ModelLoader.Format.AUTO, null, null);
    assertEquals(0, loaded.config().numClasses(), "a backbone without classifier");
    Xception backbone = loaded.build("encoder");
    Map<String, Tensor> saved = StateDict.tensorsOf(backbone);
    StateDict.tensorsOf(dae.encoder()).forEach((name, t) -> assertTrue(torch.equal(t, saved.get(name)), name));
    assertFalse(StateDict.tensorsOf(dae).keySet().stream().noneMatch(n -> n.startsWith("up32")), "the decoder is part of the DAE");
    assertTrue(saved.keySet().stream().noneMatch(n -> n.startsWith("up") || n.startsWith("reduce")), "but not of the saved encoder");
    Tensor x = torch.randn(new long[] {2, 3, 71, 71});
    assertTrue(torch.allclose(dae.encoder().forward(x), backbone.forward(x), 1e-5, 1e-6, false), "same features");
    backbone.resetClassifier(2); // what xfer train --weights does with a backbone
    assertEquals(2, backbone.forward(x).size(1));
  }

  /** Images of vertical (label 0) or horizontal (label 1) stripes, two phases each. */
  static GrayImages stripes(int n) {
    byte[] px = new byte[n * 784];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      int phase = 3 * (i / 2);
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) px[i * 784 + r * 28 + c] = (byte) ((((y[i] == 0 ? c : r) + phase) / 3) % 2 == 0 ? 230 : 20);
      }
    }
    return new GrayImages(28, 28, px, y);
  }
}
