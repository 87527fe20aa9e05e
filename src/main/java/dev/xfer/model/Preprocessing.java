package dev.xfer.model;

import dev.xfer.kernels.Normalization;

/**
 * How images are prepared for a set of weights: resized to {@code imageSize} squared with TF's
 * bilinear (half-pixel, no antialias) and normalised.
 *
 * @param imageSize input height and width
 * @param normalization per-channel scaling applied after the resize
 */
public record Preprocessing(int imageSize, Normalization normalization) {
  public Preprocessing {
    XceptionConfig.checkInputSize(imageSize, imageSize);
    if (normalization == null) throw new IllegalArgumentException("preprocessing normalisation: expected a value, found null");
  }

  /** Keras' Xception: 299 px (the mission uses 224), x / 127.5 - 1. */
  public static Preprocessing keras(int imageSize) {
    return new Preprocessing(imageSize, Normalization.KERAS_XCEPTION);
  }

  /** timm legacy_xception: 299 px, mean = std = 0.5 on [0, 1] inputs. */
  public static Preprocessing timm(int imageSize) {
    return new Preprocessing(imageSize,
        new Normalization(255f, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}));
  }

  public Preprocessing withImageSize(int size) {
    return new Preprocessing(size, normalization);
  }
}
