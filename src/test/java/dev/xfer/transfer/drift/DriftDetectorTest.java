package dev.xfer.transfer.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftDetectorTest {
  private static final int WINDOWS = 24;
  private static final int WINDOW = 100;
  private static final int SHIFT_START = 8;

  @Test
  void aStreamWithoutShiftNeverFires() {
    for (long seed = 1; seed <= 5; seed++) {
      Random rng = new Random(seed);
      DriftDetector d = new DriftDetector(FeatureMmdTest.gaussian(rng, 2 * WINDOW, 8, 0), WINDOW, DriftDetector.Rule.DEFAULT, seed);
      for (int w = 0; w < WINDOWS; w++) d.observe(d.statistic(FeatureMmdTest.gaussian(rng, WINDOW, 8, 0)));
      assertEquals(-1, d.firedAt(), "seed " + seed + ": no shift, no alarm");
    }
  }

  @Test
  void aGradualShiftFiresSoonAfterItStarts() {
    for (long seed = 1; seed <= 5; seed++) {
      Random rng = new Random(seed);
      DriftDetector d = new DriftDetector(FeatureMmdTest.gaussian(rng, 2 * WINDOW, 8, 0), WINDOW, DriftDetector.Rule.DEFAULT, seed);
      for (int w = 0; w < WINDOWS; w++) {
        double shift = w < SHIFT_START ? 0 : 0.1 * (w - SHIFT_START + 1); // grows by a tenth of a sigma per window
        boolean fired = d.observe(d.statistic(FeatureMmdTest.gaussian(rng, WINDOW, 8, shift)));
        if (w < SHIFT_START) assertTrue(!fired, "seed " + seed + ": fired before the shift, at window " + w);
      }
      int latency = d.firedAt() - SHIFT_START;
      System.out.printf("seed %d: threshold %.5f, fired at window %d (%d after the shift started)%n", seed, d.threshold(), d.firedAt(), latency);
      assertTrue(latency >= 0 && latency <= 6, "seed " + seed + ": fires within 6 windows of the shift, found " + latency);
    }
  }

  @Test
  void theRuleNeedsConsecutiveWindowsOverTheThreshold() {
    Random rng = new Random(3);
    DriftDetector d = new DriftDetector(FeatureMmdTest.gaussian(rng, 200, 4, 0), 100, new DriftDetector.Rule(2, 20), 3);
    double over = d.threshold() + 1;
    double under = d.threshold() - 1;
    assertTrue(!d.observe(over));
    assertTrue(!d.observe(under));
    assertTrue(!d.observe(over));
    assertTrue(d.observe(over));
    assertTrue(d.observe(under), "drift stays declared");
    assertEquals(3, d.firedAt());
  }
}
