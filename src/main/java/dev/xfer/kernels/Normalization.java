package dev.xfer.kernels;

/**
 * Per-channel normalisation applied after resizing: {@code out = (v / scaleDiv - mean[c]) / std[c]},
 * with {@code v} in the 0..255 range, computed in float32 in exactly that order.
 *
 * @param scaleDiv divisor applied first (127.5 for Keras' Xception, 255 for mean/std recipes)
 * @param mean per-channel mean, RGB order, in the scaled range
 * @param std per-channel standard deviation, RGB order, in the scaled range
 */
public record Normalization(float scaleDiv, float[] mean, float[] std) {

  /** Keras {@code xception.preprocess_input}: {@code x / 127.5 - 1}, range [-1, 1]. */
  public static final Normalization KERAS_XCEPTION =
      new Normalization(127.5f, new float[] {1f, 1f, 1f}, new float[] {1f, 1f, 1f});

  /** torchvision's ImageNet statistics on [0, 1] inputs. */
  public static final Normalization IMAGENET =
      new Normalization(
          255f, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

  public Normalization {
    if (!(scaleDiv > 0) || !Float.isFinite(scaleDiv)) {
      throw new IllegalArgumentException("normalisation scaleDiv: expected a finite value > 0, found " + scaleDiv);
    }
    if (mean == null || mean.length != 3) {
      throw new IllegalArgumentException("normalisation mean: expected 3 values (RGB)");
    }
    if (std == null || std.length != 3) {
      throw new IllegalArgumentException("normalisation std: expected 3 values (RGB)");
    }
    for (int c = 0; c < 3; c++) {
      if (!(std[c] != 0f) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
        throw new IllegalArgumentException(
            "normalisation channel " + c + ": expected finite mean and non-zero std, found mean "
                + mean[c] + ", std " + std[c]);
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }
}
