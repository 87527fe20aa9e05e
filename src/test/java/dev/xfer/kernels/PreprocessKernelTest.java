package dev.xfer.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.testing.PointerScopeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.InterpolateFuncOptions;
import org.bytedeco.pytorch.InterpolateMode;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.kBilinear;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(PointerScopeExtension.class)
class PreprocessKernelTest {
  /** Source sizes odd and even, square and not, downscaled and upscaled, in one batch each. */
  @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
  @CsvSource({
    "375, 500, 224, 224", // tf_flowers-like landscape, downscale
    "500, 333, 224, 224", // portrait, odd width
    "224, 224, 224, 224", // same size: identity sampling
    "71, 97, 224, 224",   // upscale, odd sizes
    "7, 10, 299, 299",    // strong upscale
    "64, 64, 31, 17",     // non-square odd output
    "1, 1, 5, 3",         // single pixel
    "448, 448, 224, 224"  // exactly 2x down
  })
  void matchesTensorflowFormulaAndLibTorch(int h, int w, int outH, int outW) {
    Random rng = new Random(h * 31L + w * 7L + outH);
    int n = 3;
    List<byte[]> pixels = new ArrayList<>();
    List<Tensor> images = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // vary the size inside the batch too: every image may have its own H and W
      int hi = h + (i == 1 ? 1 : 0);
      int wi = w + (i == 2 ? 1 : 0);
      byte[] px = Fixtures.randomPixels(rng, hi, wi);
      pixels.add(px);
      images.add(Fixtures.imageTensor(px, hi, wi));
    }
    Normalization keras = Normalization.KERAS_XCEPTION;
    Tensor out = PreprocessKernel.run(images, outH, outW, keras);
    assertEquals(List.of((long) n, 3L, (long) outH, (long) outW), shapeOf(out));
    float[] got = Tensors.toFloatArray(out);

    int plane = 3 * outH * outW;
    float tfError = 0;
    float torchError = 0;
    for (int i = 0; i < n; i++) {
      Tensor img = images.get(i);
      int hi = (int) img.size(0);
      int wi = (int) img.size(1);
      float[] tf = TfResizeReference.resizeNormalize(
          pixels.get(i), hi, wi, outH, outW, keras.scaleDiv(), keras.mean(), keras.std());
      float[] mine = java.util.Arrays.copyOfRange(got, i * plane, (i + 1) * plane);
      tfError = Math.max(tfError, Fixtures.maxAbsError(mine, tf));
      torchError = Math.max(torchError, Fixtures.maxAbsError(mine, libTorchChain(img, outH, outW)));
    }
    System.out.printf("preprocess %dx%d -> %dx%d: max |kernel - TF formula| %.2e, max |kernel - LibTorch| %.2e%n",
        h, w, outH, outW, tfError, torchError);
    assertTrue(tfError <= 1e-5f, "max |kernel - TF formula| = " + tfError);
    assertTrue(torchError <= 1e-4f, "max |kernel - LibTorch interpolate| = " + torchError);
  }

  @Test
  void appliesMeanAndStdPerChannel() {
    Random rng = new Random(5);
    byte[] px = Fixtures.randomPixels(rng, 37, 53);
    Normalization imagenet = Normalization.IMAGENET;
    float[] got = Tensors.toFloatArray(
        PreprocessKernel.run(List.of(Fixtures.imageTensor(px, 37, 53)), 20, 30, imagenet));
    float[] want = TfResizeReference.resizeNormalize(
        px, 37, 53, 20, 30, imagenet.scaleDiv(), imagenet.mean(), imagenet.std());
    assertTrue(Fixtures.maxAbsError(got, want) <= 1e-5f);
  }

  @Test
  void writesNothingPastTheOutput() {
    Random rng = new Random(11);
    int h = 45, w = 61, outH = 23, outW = 29, guard = 1024;
    byte[] px = Fixtures.randomPixels(rng, h, w);
    Tensor img = Fixtures.imageTensor(px, h, w);
    int outFloats = 3 * outH * outW;
    float sentinel = -12345.5f;
    try (FloatPointer buffer = new FloatPointer(outFloats + guard);
        LongPointer offset = new LongPointer(1);
        IntPointer hp = new IntPointer(1);
        IntPointer wp = new IntPointer(1)) {
      for (int i = 0; i < outFloats + guard; i++) buffer.put(i, sentinel);
      offset.put(0L);
      hp.put(h);
      wp.put(w);
      int status = NativeKernels.xfer_preprocess_cpu(
          img.data_ptr().address(), offset.address(), hp.address(), wp.address(), 1, outH, outW,
          127.5f, 1, 1, 1, 1, 1, 1, buffer.address());
      assertEquals(NativeKernels.XFER_OK, status);
      for (int i = 0; i < outFloats; i++) {
        assertTrue(buffer.get(i) >= -1f && buffer.get(i) <= 1f, "output " + i + " in [-1, 1]");
      }
      for (int i = outFloats; i < outFloats + guard; i++) {
        assertEquals(sentinel, buffer.get(i), "guard float " + (i - outFloats) + " overwritten");
      }
    }
  }

  @Test
  void rejectsBadImagesWithTheirIndex() {
    Tensor good = Fixtures.imageTensor(new byte[4 * 5 * 3], 4, 5);
    Tensor asFloat = good.to(ScalarType.Float);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PreprocessKernel.run(List.of(good, asFloat), 8, 8, Normalization.KERAS_XCEPTION));
    assertEquals("images[1]: expected dtype uint8, found float32", e.getMessage());

    Tensor chw = good.permute(2, 0, 1).contiguous();
    e = assertThrows(IllegalArgumentException.class,
        () -> PreprocessKernel.run(List.of(chw), 8, 8, Normalization.KERAS_XCEPTION));
    assertTrue(e.getMessage().startsWith("images[0]: expected size 3 in dimension 2"), e.getMessage());

    Tensor strided = Fixtures.imageTensor(new byte[4 * 6 * 3], 4, 6).narrow(1, 0, 5);
    e = assertThrows(IllegalArgumentException.class,
        () -> PreprocessKernel.run(List.of(strided), 8, 8, Normalization.KERAS_XCEPTION));
    assertTrue(e.getMessage().contains("expected a contiguous tensor"), e.getMessage());

    Tensor flat = good.reshape(-1);
    e = assertThrows(IllegalArgumentException.class,
        () -> PreprocessKernel.run(List.of(flat), 8, 8, Normalization.KERAS_XCEPTION));
    assertEquals("images[0]: expected 3 dimensions (H, W, 3) HWC RGB, found shape (60,)", e.getMessage());

    e = assertThrows(IllegalArgumentException.class,
        () -> PreprocessKernel.run(List.of(good), 0, 8, Normalization.KERAS_XCEPTION));
    assertTrue(e.getMessage().startsWith("output size"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class,
        () -> PreprocessKernel.run(List.of(), 8, 8, Normalization.KERAS_XCEPTION));
    assertTrue(e.getMessage().startsWith("images:"), e.getMessage());
  }

  @Test
  void rejectsAnOutputTensorOfTheWrongShape() {
    Tensor img = Fixtures.imageTensor(new byte[4 * 5 * 3], 4, 5);
    Tensor wrong = torch.zeros(2, 3, 8, 8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PreprocessKernel.runInto(List.of(img), wrong, Normalization.KERAS_XCEPTION));
    assertEquals("out: expected size 1 in dimension 0 (N, one per image), found shape (2, 3, 8, 8)",
        e.getMessage());
  }

  @Test
  void rejectsAZeroStd() {
    assertThrows(IllegalArgumentException.class,
        () -> new Normalization(255f, new float[] {0, 0, 0}, new float[] {1, 0, 1}));
  }

  /** LibTorch's own route: HWC uint8 -> NCHW float -> bilinear interpolate (half-pixel) -> scale. */
  static float[] libTorchChain(Tensor hwc, int outH, int outW) {
    Tensor nchw = hwc.permute(2, 0, 1).unsqueeze(0).to(ScalarType.Float);
    InterpolateFuncOptions options = new InterpolateFuncOptions();
    options.size().put(new LongVector(outH, outW));
    options.mode().put(new InterpolateMode(new kBilinear()));
    options.align_corners().put(false);
    options.antialias().put(false);
    Tensor resized = torch.interpolate(nchw, options);
    return Tensors.toFloatArray(resized.div(new org.bytedeco.pytorch.Scalar(127.5f))
        .sub(new org.bytedeco.pytorch.Scalar(1f)));
  }

  static List<Long> shapeOf(Tensor t) {
    List<Long> shape = new ArrayList<>();
    for (int i = 0; i < t.dim(); i++) shape.add(t.size(i));
    return shape;
  }
}
