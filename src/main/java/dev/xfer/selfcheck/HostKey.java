package dev.xfer.selfcheck;

import dev.xfer.util.Versions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.global.torch;

/**
 * What a library's kernel choice depends on, as one string: the CPU (vendor, family, model,
 * stepping and feature flags, since model names such as "AMD EPYC" span generations), the LibTorch
 * release and the intra-op thread count.
 */
final class HostKey {
  private static final List<String> CPU_FIELDS = List.of("vendor_id", "cpu family", "model", "stepping", "flags");

  private HostKey() {}

  static String describe() {
    return cpuIdentity() + "|libtorch " + Versions.libTorch() + "|threads " + torch.get_num_threads();
  }

  /** The first processor's identifying /proc/cpuinfo fields, or the JVM's view where that is unreadable. */
  static String cpuIdentity() {
    StringBuilder id = new StringBuilder();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.isBlank()) break;
        int colon = line.indexOf(':');
        if (colon > 0 && CPU_FIELDS.contains(line.substring(0, colon).strip())) id.append(line.strip()).append(';');
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return id.length() > 0 ? id.toString() : System.getProperty("os.arch") + " " + Runtime.getRuntime().availableProcessors();
  }
}
