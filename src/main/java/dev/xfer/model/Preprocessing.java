package dev.xfer.model;

import dev.xfer.kernels.JpegIdct;
import dev.xfer.kernels.Normalization;

/**
 * How images are prepared for a set of weights: JPEGs decoded with {@code jpegIdct}, resized to
 * {@code imageSize} squared with TF's bilinear (half-pixel, no antialias) and normalised.
 *
 * @param imageSize input height and width
 * @param normalization per-channel scaling applied after the resize
 * @param jpegIdct inverse DCT of JPEG decoding: FAST for Keras (TensorFlow's default decode_jpeg),
 *     ACCURATE for timm (PIL)
 */
public record Preprocessing(int imageSize, Normalization normalization, JpegIdct jpegIdct) {
  public Preprocessing {
    XceptionConfig.checkInputSize(imageSize, imageSize);
    if (normalization == null) throw new IllegalArgumentException("preprocessing normalisation: expected a value, found null");
    if (jpegIdct == null) throw new IllegalArgumentException("preprocessing JPEG IDCT: expected fast or accurate, found null");
  }

  /** The JPEG IDCT of the pipeline that uses {@code normalization} ({@link JpegIdct#defaultFor}). */
  public Preprocessing(int imageSize, Normalization normalization) {
    this(imageSize, normalization, normalization == null ? JpegIdct.FAST : JpegIdct.defaultFor(normalization));
  }

  /** Keras' Xception: 299 px (the mission uses 224), x / 127.5 - 1, TensorFlow's fast JPEG IDCT. */
  public static Preprocessing keras(int imageSize) {
    return new Preprocessing(imageSize, Normalization.KERAS_XCEPTION, JpegIdct.FAST);
  }

  /** timm legacy_xception: 299 px, mean = std = 0.5 on [0, 1] inputs, PIL's accurate JPEG IDCT. */
  public static Preprocessing timm(int imageSize) {
    return new Preprocessing(imageSize,
        new Normalization(255f, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}), JpegIdct.ACCURATE);
  }

  public Preprocessing withImageSize(int size) {
    return new Preprocessing(size, normalization, jpegIdct);
  }

  public Preprocessing withJpegIdct(JpegIdct idct) {
    return new Preprocessing(imageSize, normalization, idct);
  }
}
