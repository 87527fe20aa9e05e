package dev.xfer.transfer.drift;

import java.util.SplittableRandom;

/**
 * Drift detection on pooled features with a stated rule. A reference sample (features of
 * in-distribution images) fixes the kernel bandwidth (median heuristic) and a threshold: the largest
 * unbiased MMD^2 between two disjoint random halves of the reference over {@code calibrationSplits}
 * splits, each half as large as a window (or half the reference, if smaller). Each window's statistic
 * is its MMD^2 against the whole reference; drift is declared at the window that completes a run of
 * {@code consecutive} windows above the threshold, and stays declared.
 */
public final class DriftDetector {
  /** The detection rule's settings. */
  public record Rule(int consecutive, int calibrationSplits) {
    public Rule {
      if (consecutive < 1) throw new IllegalArgumentException("drift rule: consecutive windows expected >= 1, found " + consecutive);
      if (calibrationSplits < 1) throw new IllegalArgumentException("drift rule: calibration splits expected >= 1, found " + calibrationSplits);
    }

    /** Two consecutive windows over the largest of 100 reference half-splits. */
    public static final Rule DEFAULT = new Rule(2, 100);
  }

  private final double[][] reference;
  private final double sigma;
  private final double threshold;
  private final Rule rule;
  private int run;
  private int firedAt = -1;
  private int windows;

  /** Calibrates on {@code reference} for windows of {@code windowSize} vectors; {@code seed} picks the splits. */
  public DriftDetector(double[][] reference, int windowSize, Rule rule, long seed) {
    if (reference.length < 4) throw new IllegalArgumentException("drift reference: expected at least 4 images, found " + reference.length);
    this.reference = reference;
    this.rule = rule;
    this.sigma = FeatureMmd.medianBandwidth(reference);
    this.threshold = calibrate(Math.max(2, Math.min(windowSize, reference.length / 2)), seed);
  }

  /** The statistic of one window against the reference. */
  public double statistic(double[][] window) {
    return FeatureMmd.unbiased(window, reference, sigma);
  }

  /** Scores the next window; true from the window at which drift is declared on. */
  public boolean observe(double statistic) {
    run = statistic > threshold ? run + 1 : 0;
    if (firedAt < 0 && run >= rule.consecutive()) firedAt = windows;
    windows++;
    return firedAt >= 0;
  }

  /** Index (0-based, in observation order) of the window at which drift was declared, or -1. */
  public int firedAt() {
    return firedAt;
  }

  public double threshold() {
    return threshold;
  }

  public double bandwidth() {
    return sigma;
  }

  private double calibrate(int half, long seed) {
    int m = reference.length;
    double gamma = 1.0 / (2 * sigma * sigma);
    double[][] k = new double[m][m];
    for (int i = 0; i < m; i++) {
      for (int j = i; j < m; j++) {
        k[i][j] = Math.exp(-gamma * FeatureMmd.squaredDistance(reference[i], reference[j]));
        k[j][i] = k[i][j];
      }
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double max = Double.NEGATIVE_INFINITY;
    int[] idx = new int[m];
    for (int s = 0; s < rule.calibrationSplits(); s++) {
      for (int i = 0; i < m; i++) idx[i] = i;
      for (int i = 0; i < 2 * half; i++) {
        int j = i + rng.nextInt(m - i);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
      }
      max = Math.max(max, splitMmd(k, idx, half));
    }
    return max;
  }

  /** Unbiased MMD^2 of idx[0..h) against idx[h..2h) from a precomputed kernel matrix. */
  private static double splitMmd(double[][] k, int[] idx, int h) {
    double xx = 0;
    double yy = 0;
    double xy = 0;
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < h; j++) {
        if (i != j) {
          xx += k[idx[i]][idx[j]];
          yy += k[idx[h + i]][idx[h + j]];
        }
        xy += k[idx[i]][idx[h + j]];
      }
    }
    double pairs = (double) h * (h - 1);
    return xx / pairs + yy / pairs - 2 * xy / ((double) h * h);
  }
}
