package dev.xfer.cli;

/** The input sizes the commands accept: from Xception's smallest input up to a size whose batches still fit in memory. */
final class ImageSizes {
  /** Xception's five stride-2 stages need at least 71 x 71 pixels. */
  static final int MIN = 71;
  /** A (32, 3, 2048, 2048) float32 batch is already 1.6 GB before any activation. */
  static final int MAX = 2048;

  private ImageSizes() {}

  /** {@code n}, or an error naming {@code --image-size} and the accepted range. */
  static int check(int n) {
    return check(n, MIN);
  }

  /** As {@link #check(int)} with another lower bound (1 for preprocessing only, no network). */
  static int check(int n, int min) {
    if (n < min || n > MAX) {
      throw new IllegalArgumentException("--image-size: expected " + min + " to " + MAX + ", found " + n
          + (min == MIN ? " (Xception needs at least " + MIN + " x " + MIN + ")" : ""));
    }
    return n;
  }
}
