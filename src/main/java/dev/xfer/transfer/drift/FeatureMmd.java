package dev.xfer.transfer.drift;

import java.util.Arrays;

/**
 * The squared maximum mean discrepancy between two samples of feature vectors (Gretton et al. 2012),
 * unbiased estimate with a Gaussian kernel {@code k(a, b) = exp(-|a - b|^2 / (2 sigma^2))}:
 *
 * <pre>
 * MMD^2 = 1/(m(m-1)) sum_{i != j} k(x_i, x_j) + 1/(n(n-1)) sum_{i != j} k(y_i, y_j) - 2/(mn) sum_{i,j} k(x_i, y_j)
 * </pre>
 *
 * It is about zero (it may be slightly negative) when both samples come from one distribution and
 * grows as they part. The bandwidth comes from the median heuristic on the reference sample.
 */
public final class FeatureMmd {
  private FeatureMmd() {}

  /** Unbiased MMD^2 of {@code x} (m >= 2 rows) and {@code y} (n >= 2 rows) with bandwidth {@code sigma}. */
  public static double unbiased(double[][] x, double[][] y, double sigma) {
    if (x.length < 2 || y.length < 2) {
      throw new IllegalArgumentException("MMD: expected at least 2 vectors in each sample, found " + x.length + " and " + y.length);
    }
    if (!(sigma > 0)) throw new IllegalArgumentException("MMD bandwidth: expected > 0, found " + sigma);
    if (x[0].length != y[0].length) {
      throw new IllegalArgumentException("MMD: feature sizes differ: " + x[0].length + " and " + y[0].length);
    }
    double gamma = 1.0 / (2 * sigma * sigma);
    double xx = offDiagonalSum(x, gamma) / ((double) x.length * (x.length - 1));
    double yy = offDiagonalSum(y, gamma) / ((double) y.length * (y.length - 1));
    double xy = 0;
    for (double[] a : x) for (double[] b : y) xy += Math.exp(-gamma * squaredDistance(a, b));
    return xx + yy - 2 * xy / ((double) x.length * y.length);
  }

  /** The median of the pairwise distances within {@code x} (the median heuristic); 1 when all coincide. */
  public static double medianBandwidth(double[][] x) {
    int m = x.length;
    if (m < 2) throw new IllegalArgumentException("median heuristic: expected at least 2 vectors, found " + m);
    double[] d = new double[m * (m - 1) / 2];
    int k = 0;
    for (int i = 0; i < m; i++) for (int j = i + 1; j < m; j++) d[k++] = Math.sqrt(squaredDistance(x[i], x[j]));
    Arrays.sort(d);
    double median = d.length % 2 == 1 ? d[d.length / 2] : 0.5 * (d[d.length / 2 - 1] + d[d.length / 2]);
    return median > 0 ? median : 1.0;
  }

  private static double offDiagonalSum(double[][] x, double gamma) {
    double s = 0;
    for (int i = 0; i < x.length; i++) for (int j = i + 1; j < x.length; j++) s += Math.exp(-gamma * squaredDistance(x[i], x[j]));
    return 2 * s;
  }

  static double squaredDistance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }
}
