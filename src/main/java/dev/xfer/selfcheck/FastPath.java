package dev.xfer.selfcheck;

/**
 * A faster way to run a network's convolutions than the reference, NCHW float32: the layout and
 * precision choices whose kernels the library picks per CPU and per release, and whose bugs come
 * with them.
 */
public enum FastPath {
  CHANNELS_LAST("channels-last float32", true, false),
  BF16("NCHW bf16 autocast", false, true),
  CHANNELS_LAST_BF16("channels-last bf16 autocast", true, true);

  /** Largest relative error (to the largest reference value) that float32 reordering explains. */
  static final double FLOAT32_TOLERANCE = 1e-4;
  /** bf16 keeps 8 significant bits: inputs and outputs round at about 0.4%, sums of many such terms a few times that. */
  static final double BF16_TOLERANCE = 3e-2;

  private final String label;
  private final boolean channelsLast;
  private final boolean bf16;

  FastPath(String label, boolean channelsLast, boolean bf16) {
    this.label = label;
    this.channelsLast = channelsLast;
    this.bf16 = bf16;
  }

  /** The fast path of a layout and precision choice, or null for the reference (NCHW float32). */
  public static FastPath of(boolean channelsLast, boolean bf16) {
    if (channelsLast) return bf16 ? CHANNELS_LAST_BF16 : CHANNELS_LAST;
    return bf16 ? BF16 : null;
  }

  public String label() {
    return label;
  }

  public boolean channelsLast() {
    return channelsLast;
  }

  public boolean bf16() {
    return bf16;
  }

  /** The mismatch beyond which this path is taken to be wrong rather than rounded differently. */
  public double tolerance() {
    return bf16 ? BF16_TOLERANCE : FLOAT32_TOLERANCE;
  }
}
