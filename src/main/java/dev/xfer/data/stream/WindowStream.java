package dev.xfer.data.stream;

import dev.xfer.data.Dataset;

/**
 * The windows of a stream as a drift experiment reads them, plus the in-distribution reference
 * that calibrates the drift detector. Windows are read in order, each once for scoring and
 * again (a few at a time, via {@link #recent}) for BatchNorm re-estimation. Every dataset handed out
 * is closed by the caller when done.
 */
public interface WindowStream {
  /** Number of windows. */
  int size();

  /** The window's name in tables (its index, or its folder name). */
  String name(int w);

  /** The shift's strength (0..1) in window {@code w}, or NaN when the stream does not know it. */
  double strength(int w);

  /** Images per window used to size the detector's calibration halves (the smallest window). */
  int windowSize();

  /** True when windows carry labels (accuracy is then reported). */
  boolean labelled();

  /** The reference images (in-distribution, not part of the stream). */
  Dataset reference();

  /** The images of window {@code w}. */
  Dataset window(int w);

  /** The images of windows {@code from} (inclusive) to {@code to} (exclusive), for BatchNorm re-estimation. */
  Dataset recent(int from, int to);
}
