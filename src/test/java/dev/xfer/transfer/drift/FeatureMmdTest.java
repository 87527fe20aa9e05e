package dev.xfer.transfer.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureMmdTest {
  @Test
  void matchesAHandComputedCase() {
    double[][] x = {{0}, {1}};
    double[][] y = {{0}, {3}};
    // sigma 1: k(a, b) = exp(-(a - b)^2 / 2)
    double xx = Math.exp(-0.5); // (k(0,1) + k(1,0)) / (2 * 1)
    double yy = Math.exp(-4.5);
    double xy = (1 + Math.exp(-4.5) + Math.exp(-0.5) + Math.exp(-2)) / 4;
    assertEquals(xx + yy - 2 * xy, FeatureMmd.unbiased(x, y, 1.0), 1e-12);
  }

  @Test
  void medianHeuristicIsTheMedianPairwiseDistance() {
    double[][] x = {{0, 0}, {3, 4}, {0, 1}}; // distances 5, 1, sqrt(9 + 9)
    assertEquals(Math.sqrt(18), FeatureMmd.medianBandwidth(x), 1e-12);
  }

  @Test
  void isAboutZeroForOneDistributionAndGrowsWithTheShift() {
    Random rng = new Random(7);
    double[][] ref = gaussian(rng, 150, 8, 0);
    double sigma = FeatureMmd.medianBandwidth(ref);
    double same = FeatureMmd.unbiased(gaussian(rng, 150, 8, 0), ref, sigma);
    double previous = same;
    System.out.printf("MMD^2 same distribution %.5f%n", same);
    for (double shift : new double[] {0.25, 0.5, 1.0, 2.0}) {
      double mmd = FeatureMmd.unbiased(gaussian(rng, 150, 8, shift), ref, sigma);
      System.out.printf("MMD^2 mean shift %.2f: %.5f%n", shift, mmd);
      assertTrue(mmd > previous, "MMD^2 grows with the shift: " + mmd + " after " + previous);
      previous = mmd;
    }
    assertTrue(Math.abs(same) < 0.02, "same distribution: about zero, found " + same);
    assertTrue(previous > 20 * Math.abs(same), "a 2-sigma shift stands far above the no-shift value");
  }

  static double[][] gaussian(Random rng, int n, int dims, double shift) {
    double[][] out = new double[n][dims];
    for (double[] row : out) for (int j = 0; j < dims; j++) row[j] = rng.nextGaussian() + shift;
    return out;
  }
}
