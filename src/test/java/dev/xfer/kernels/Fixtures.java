package dev.xfer.kernels;

import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Generated test inputs and error measures shared by the kernel tests. */
final class Fixtures {
  private Fixtures() {}

  /** Random RGB pixels, HWC. */
  static byte[] randomPixels(Random rng, int h, int w) {
    byte[] px = new byte[h * w * 3];
    rng.nextBytes(px);
    return px;
  }

  /** A (H, W, 3) uint8 CPU tensor holding {@code hwc}. */
  static Tensor imageTensor(byte[] hwc, int h, int w) {
    try (BytePointer p = new BytePointer(hwc)) {
      return torch.from_blob(p, new long[] {h, w, 3}, new TensorOptions(ScalarType.Byte))
          .clone();
    }
  }

  /** Uniform [lo, hi) float32 CPU tensor from a seeded Java generator (independent of LibTorch's RNG). */
  static Tensor uniform(Random rng, float lo, float hi, long... shape) {
    long count = 1;
    for (long s : shape) count *= s;
    float[] v = new float[Math.toIntExact(count)];
    for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rng.nextFloat();
    return Tensors.ofFloats(v, shape);
  }

  static float maxAbsError(float[] got, float[] want) {
    check(got, want);
    float max = 0;
    for (int i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
    return max;
  }

  /** Element-wise relative error, for tensors whose reference values are all non-zero. */
  static double maxRelativeError(float[] got, float[] want) {
    check(got, want);
    double max = 0;
    for (int i = 0; i < got.length; i++) {
      max = Math.max(max, Math.abs((double) got[i] - want[i]) / Math.abs((double) want[i]));
    }
    return max;
  }

  /** Error relative to the tensor's scale, max|got - want| / max|want|, for tensors that cross zero. */
  static double maxScaledError(float[] got, float[] want) {
    check(got, want);
    double err = 0;
    double scale = 0;
    for (int i = 0; i < got.length; i++) {
      err = Math.max(err, Math.abs((double) got[i] - want[i]));
      scale = Math.max(scale, Math.abs((double) want[i]));
    }
    return err / scale;
  }

  private static void check(float[] got, float[] want) {
    if (got.length != want.length) {
      throw new AssertionError("length " + got.length + " != " + want.length);
    }
  }
}
