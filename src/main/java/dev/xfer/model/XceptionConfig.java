package dev.xfer.model;

/**
 * Architecture of an Xception-family network: the full Keras/timm Xception at width 1 with 8 middle
 * blocks, or compact variants from the same code.
 *
 * @param widthMultiplier scales every channel count (rounded to a multiple of 8, at least 8)
 * @param middleBlocks number of 728-channel identity blocks in the middle flow (Keras: 8)
 * @param numClasses classifier outputs, or 0 for no classifier (include_top=False)
 * @param numerics BatchNorm epsilon/momentum and max-pool padding convention
 */
public record XceptionConfig(double widthMultiplier, int middleBlocks, int numClasses, Numerics numerics) {

  /** Keras' minimum input height and width. */
  public static final int MIN_INPUT_SIZE = 71;

  public XceptionConfig {
    if (!(widthMultiplier > 0 && widthMultiplier <= 4)) {
      throw new IllegalArgumentException("width multiplier: expected in (0, 4], found " + widthMultiplier);
    }
    if (middleBlocks < 0 || middleBlocks > 64) {
      throw new IllegalArgumentException("middle blocks: expected 0..64, found " + middleBlocks);
    }
    if (numClasses < 0) throw new IllegalArgumentException("classes: expected >= 0, found " + numClasses);
    if (numerics == null) throw new IllegalArgumentException("numerics: expected keras or timm, found null");
  }

  /** The full Xception (20,861,480 parameters without top) with the given numerics. */
  public static XceptionConfig full(int numClasses, Numerics numerics) {
    return new XceptionConfig(1.0, 8, numClasses, numerics);
  }

  public XceptionConfig withNumClasses(int classes) {
    return new XceptionConfig(widthMultiplier, middleBlocks, classes, numerics);
  }

  public XceptionConfig withNumerics(Numerics n) {
    return new XceptionConfig(widthMultiplier, middleBlocks, numClasses, n);
  }

  /** A channel count of the full network, scaled by the width multiplier. */
  public int channels(int fullWidthChannels) {
    if (widthMultiplier == 1.0) return fullWidthChannels;
    return Math.max(8, (int) Math.round(fullWidthChannels * widthMultiplier / 8.0) * 8);
  }

  /** Channels of the feature map the backbone produces (2048 at full width). */
  public int featureChannels() {
    return channels(2048);
  }

  /** Number of residual blocks (timm's block1..blockN): 3 entry, the middle ones, 1 exit. */
  public int blockCount() {
    return 3 + middleBlocks + 1;
  }

  /** Rejects input sizes the network cannot take, with Keras' rule. */
  public static void checkInputSize(long height, long width) {
    if (height < MIN_INPUT_SIZE || width < MIN_INPUT_SIZE) {
      throw new IllegalArgumentException("input size: Xception needs height and width of at least "
          + MIN_INPUT_SIZE + " pixels (Keras' minimum), found " + height + "x" + width);
    }
  }
}
