package dev.xfer.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The JavaCPP setting: off by default, a user's value wins, and worker ranks inherit it. */
class NativeMemorySettingsTest {
  private static final String KEY = NativeMemorySettings.MAX_PHYSICAL_BYTES;

  @Test
  void setsZeroOnlyWhenTheUserDidNotAndPassesItToChildren() {
    String before = System.getProperty(KEY);
    try {
      System.clearProperty(KEY);
      NativeMemorySettings.apply();
      assertEquals("0", System.getProperty(KEY));
      assertEquals(List.of("-D" + KEY + "=0"), NativeMemorySettings.childJvmOptions());
      System.setProperty(KEY, "8g");
      NativeMemorySettings.apply();
      assertEquals("8g", System.getProperty(KEY), "a value the user set is kept");
      assertEquals(List.of("-D" + KEY + "=8g"), NativeMemorySettings.childJvmOptions());
    } finally {
      if (before == null) System.clearProperty(KEY);
      else System.setProperty(KEY, before);
    }
  }
}
