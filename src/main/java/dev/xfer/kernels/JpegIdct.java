package dev.xfer.kernels;

import java.util.Arrays;
import java.util.Locale;

/**
 * The inverse DCT a JPEG is decoded with. The two differ by up to a few grey levels per pixel, so a
 * model sees the pixels of the pipeline it was trained with only when the IDCT matches that pipeline.
 */
public enum JpegIdct {
  /**
   * libjpeg's fast integer IDCT ({@code JDCT_IFAST}): TensorFlow's default {@code decode_jpeg}
   * (dct_method ""), hence tfds and Keras pipelines. The default for Keras numerics.
   */
  FAST,
  /**
   * libjpeg's accurate integer IDCT ({@code JDCT_ISLOW}): TensorFlow's "INTEGER_ACCURATE", OpenCV,
   * PIL and torchvision. The default for timm numerics.
   */
  ACCURATE;

  /** The option and metadata spelling: "fast" or "accurate". */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses "fast" or "accurate" (any case); anything else names what was expected. */
  public static JpegIdct parse(String text) {
    if (text != null) {
      for (JpegIdct v : values()) {
        if (v.label().equalsIgnoreCase(text.strip())) return v;
      }
    }
    throw new IllegalArgumentException("JPEG IDCT: expected fast or accurate, found '" + text + "'");
  }

  /** The IDCT of the pipeline that uses {@code norm}: FAST for Keras' x / 127.5 - 1, else ACCURATE. */
  public static JpegIdct defaultFor(Normalization norm) {
    Normalization keras = Normalization.KERAS_XCEPTION;
    boolean isKeras = norm.scaleDiv() == keras.scaleDiv() && Arrays.equals(norm.mean(), keras.mean())
        && Arrays.equals(norm.std(), keras.std());
    return isKeras ? FAST : ACCURATE;
  }
}
