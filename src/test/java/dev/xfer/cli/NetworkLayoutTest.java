package dev.xfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The layout rule: the flag wins in both forms; without it, channels-last on the CPU and NCHW on CUDA. */
class NetworkLayoutTest {
  @Test
  void theFlagWinsOnEveryDevice() {
    for (boolean cuda : new boolean[] {false, true}) {
      assertTrue(NetworkLayout.resolve(true, cuda).channelsLast());
      assertFalse(NetworkLayout.resolve(false, cuda).channelsLast());
    }
    assertEquals("layout: NCHW (--no-channels-last)", NetworkLayout.resolve(false, false).describe());
  }

  @Test
  void withoutTheFlagTheCpuRunsChannelsLastAndCudaNchw() {
    assertTrue(NetworkLayout.resolve(null, false).channelsLast());
    assertFalse(NetworkLayout.resolve(null, true).channelsLast());
    assertEquals("layout: NCHW (the CUDA default; --channels-last to change)", NetworkLayout.resolve(null, true).describe());
  }
}
