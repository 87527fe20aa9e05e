package dev.xfer.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The first processor's fields of {@code /proc/cpuinfo} ("model name", "cpu family", "flags", ...). */
public final class CpuInfo {
  private CpuInfo() {}

  /** Field name to value, in file order; empty where the file cannot be read (not Linux). */
  public static Map<String, String> firstProcessor() {
    Map<String, String> fields = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.isBlank()) break;
        int colon = line.indexOf(':');
        if (colon > 0) fields.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return fields;
  }
}
