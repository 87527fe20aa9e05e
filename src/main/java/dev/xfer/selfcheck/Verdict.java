package dev.xfer.selfcheck;

import java.util.Locale;

/**
 * The outcome of checking one fast path at a network's convolution shapes.
 *
 * @param path the fast path checked
 * @param passed every shape within the path's tolerance
 * @param shapes shapes checked (up to and including the first failing one)
 * @param worstShape the shape with the largest error ("conv 728->1024 1x1/2 at 14x14")
 * @param worstPart where that error was: output, input gradient or weight gradient
 * @param worstError its relative error (to the largest reference value)
 * @param seconds how long the check took when it ran
 * @param cached true when this verdict was read from the cache rather than measured now
 */
public record Verdict(FastPath path, boolean passed, int shapes, String worstShape, String worstPart, double worstError,
    double seconds, boolean cached) {

  /** One line: what was checked, against what, the largest error and the time. */
  public String describe() {
    String timing = cached ? "cached result of a " + seconds(seconds) + " check on this CPU and LibTorch" : seconds(seconds);
    if (passed) {
      return String.format(Locale.ROOT, "self-check: %s matches NCHW float32 at %d convolution shapes, forward and"
          + " backward (largest relative error %.1e, tolerance %.0e; %s)", path.label(), shapes, worstError, path.tolerance(), timing);
    }
    return String.format(Locale.ROOT, "self-check: %s is wrong on this CPU for %s (relative error %.3g in the %s, tolerance %.0e; %s)",
        path.label(), worstShape, worstError, worstPart, path.tolerance(), timing);
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.1f s", s);
  }
}
