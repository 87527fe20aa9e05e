package dev.xfer.bench;

/**
 * One comparison: our implementation against the baseline a user would otherwise run, timed in the
 * same process on the same inputs.
 *
 * @param name what was measured
 * @param shape the input shape in words
 * @param xferMillis median time of xfer's path
 * @param baselineMillis median time of the baseline
 * @param baseline what the baseline is
 */
public record BenchResult(String name, String shape, double xferMillis, double baselineMillis, String baseline) {
  /** How many times faster xfer is than the baseline (above 1: faster). */
  public double speedup() {
    return baselineMillis / xferMillis;
  }
}
