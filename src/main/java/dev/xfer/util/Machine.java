package dev.xfer.util;

import java.util.Locale;

/** A one-line description of the machine a number was measured on (CPU model, cores, OS, Java). */
public final class Machine {
  private Machine() {}

  public static String describe() {
    return String.format(Locale.ROOT, "%s, %d logical cores, %s %s, Java %s", cpuModel(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"));
  }

  /** The CPU model from /proc/cpuinfo, or "unknown CPU" where it cannot be read. */
  public static String cpuModel() {
    return CpuInfo.firstProcessor().getOrDefault("model name", "unknown CPU");
  }
}
