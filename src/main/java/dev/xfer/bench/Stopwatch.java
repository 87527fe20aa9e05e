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
