package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The layout rule: the flag wins in both forms; without it, channels-last on the CPU and NCHW on CUDA. */
class TrainingLayoutTest {
  @Test
  void theFlagWinsOnEveryDevice() {
    for (boolean cuda : new boolean[] {false, true}) {
      assertTrue(TrainingLayout.resolve(true, cuda).channelsLast());
      assertFalse(TrainingLayout.resolve(false, cuda).channelsLast());
    }
    assertEquals("layout: NCHW (--no-channels-last)", TrainingLayout.resolve(false, false).describe());
  }

  @Test
  void withoutTheFlagTheCpuRunsChannelsLastAndCudaNchw() {
    assertTrue(TrainingLayout.resolve(null, false).channelsLast());
    assertFalse(TrainingLayout.resolve(null, true).channelsLast());
    assertEquals("layout: NCHW (the CUDA default; --channels-last to change)", TrainingLayout.resolve(null, true).describe());
  }
}
