package dev.xfer.selfcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;

/** The convolution parity check runs its backward pass even when its caller disabled autograd (predict, embed). */
class ConvParityTest {
  private static final ConvShape SHAPE = new ConvShape(8, 16, 3, 1, 1, 1, 9, 9);

  @Test
  void underANoGradGuardTheCheckStillMeasuresAllThreeResults() {
    try (NoGradGuard noGrad = new NoGradGuard()) {
      ConvParity.Mismatch exact = ConvParity.measure(SHAPE, FastPath.CHANNELS_LAST, 1);
      assertTrue(exact.error() <= FastPath.CHANNELS_LAST.tolerance(), exact.toString());
      // a fast output scaled by 1.5 is off by |1.5 a - a| / |a| = 0.5 of the largest reference value
      ConvParity.Mismatch scaled = ConvParity.measure(SHAPE, FastPath.CHANNELS_LAST, 1.5);
      assertEquals("output", scaled.part());
      assertEquals(0.5, scaled.error(), 1e-3);
    }
  }
}
