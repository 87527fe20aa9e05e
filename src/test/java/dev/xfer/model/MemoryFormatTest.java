package dev.xfer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The layout rule: the flag wins in both forms; without it, channels-last on the CPU and NCHW on CUDA. */
class MemoryFormatTest {
  @Test
  void theFlagWinsOnEveryDevice() {
    for (boolean cuda : new boolean[] {false, true}) {
      assertTrue(MemoryFormat.resolve(true, cuda).channelsLast());
      assertFalse(MemoryFormat.resolve(false, cuda).channelsLast());
    }
    assertEquals("layout: NCHW (--no-channels-last)", MemoryFormat.resolve(false, false).describe());
  }

  @Test
  void withoutTheFlagTheCpuRunsChannelsLastAndCudaNchw() {
    assertTrue(MemoryFormat.resolve(null, false).channelsLast());
    assertFalse(MemoryFormat.resolve(null, true).channelsLast());
    assertEquals("layout: NCHW (the CUDA default; --channels-last to change)", MemoryFormat.resolve(null, true).describe());
  }
}
