package dev.xfer.selfcheck;

import dev.xfer.util.CpuInfo;
import dev.xfer.util.Versions;
import java.util.List;
import java.util.Map;
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
    Map<String, String> cpu = CpuInfo.firstProcessor();
    StringBuilder id = new StringBuilder();
    for (String field : CPU_FIELDS) {
      if (cpu.containsKey(field)) id.append(field).append(": ").append(cpu.get(field)).append(';');
    }
    return id.length() > 0 ? id.toString() : System.getProperty("os.arch") + " " + Runtime.getRuntime().availableProcessors();
  }
}
