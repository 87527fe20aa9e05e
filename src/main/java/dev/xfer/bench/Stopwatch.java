package dev.xfer.bench;

import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;

/** Times a repeated action: warm-up runs, then the median of timed runs, each in its own PointerScope. */
public final class Stopwatch {
  private final int warmup;
  private final int repeats;

  public Stopwatch(int warmup, int repeats) {
    if (warmup < 0 || repeats < 1) {
      throw new IllegalArgumentException("stopwatch: expected warmup >= 0 and repeats >= 1, found " + warmup + ", " + repeats);
    }
    this.warmup = warmup;
    this.repeats = repeats;
  }

  /** Median wall time of {@code action} in milliseconds. */
  public double medianMillis(Runnable action) {
    for (int i = 0; i < warmup; i++) runScoped(action);
    double[] times = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long start = System.nanoTime();
      runScoped(action);
      times[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(times);
    return repeats % 2 == 1 ? times[repeats / 2] : (times[repeats / 2 - 1] + times[repeats / 2]) / 2;
  }

  /**
   * Median wall times of two actions timed in alternation (a, b, a, b, ...), so that both see the
   * same machine conditions: on a shared machine, timing one block after the other lets a burst of
   * other work land on one side only. Returns {median of a, median of b} in milliseconds.
   */
  public double[] interleavedMedians(Runnable a, Runnable b) {
    for (int i = 0; i < warmup; i++) {
      runScoped(a);
      runScoped(b);
    }
    double[] ta = new double[repeats];
    double[] tb = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      ta[i] = timeScoped(a);
      tb[i] = timeScoped(b);
    }
    return new double[] {median(ta), median(tb)};
  }

  private static double timeScoped(Runnable action) {
    long start = System.nanoTime();
    runScoped(action);
    return (System.nanoTime() - start) / 1e6;
  }

  private static double median(double[] times) {
    double[] sorted = times.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** "WARMUP+REPEATS", e.g. "2+7". */
  @Override
  public String toString() {
    return warmup + "+" + repeats;
  }

  private static void runScoped(Runnable action) {
    try (PointerScope scope = new PointerScope()) {
      action.run();
    }
  }
}
