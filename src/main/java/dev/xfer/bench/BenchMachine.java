package dev.xfer.bench;

import dev.xfer.report.HostFacts;
import dev.xfer.util.ComputeThreads;
import dev.xfer.util.Machine;
import dev.xfer.util.MemoryAllocator;
import dev.xfer.util.Versions;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The machine a bench run measured, as its report records it, and the load it ran under. */
public final class BenchMachine {
  private BenchMachine() {}

  /** CPU model, cores, OS, Java, LibTorch version and build, threads, C allocator, huge pages, device, oneDNN, native kernels. */
  public static Map<String, Object> describe(int threads) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu", Machine.cpuModel());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("threads", threads);
    m.put("openblas_num_threads", System.getenv("OPENBLAS_NUM_THREADS")); // null: unset, --threads applies
    m.put("blas_threads", ComputeThreads.blasThreads()); // OpenBLAS's pool now; 0: no OpenBLAS loaded
    m.put("thp_mem_alloc_enable", System.getenv("THP_MEM_ALLOC_ENABLE")); // "1": LibTorch's >= 2 MB buffers on huge pages
    m.put("memory_allocator", MemoryAllocator.name()); // the C allocator under LibTorch's tensors: glibc or a preloaded one
    m.put("device", "cpu");
    m.put("libtorch", Versions.libTorch());
    Map<String, String> info = HostFacts.collect();
    m.put("libtorch_build", info.get("libtorch"));
    m.put("os", info.get("os"));
    m.put("java", info.get("java"));
    m.put("mkldnn", info.get("mkldnn"));
    m.put("cuda", info.get("cuda"));
    m.put("native_kernels", info.get("native kernels"));
    m.put("started_utc", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    m.put("load_average_start", loadAverage());
    return m;
  }

  /** The system's one-minute load average, or null where the platform does not report one. */
  public static Double loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? null : load;
  }

  /**
   * The start line's load remark: on a shared machine other work moves every timing, so the load
   * is printed, with a warning when the machine was already busier than its cores before we began.
   */
  public static String loadNote(Object load) {
    if (!(load instanceof Double value)) return "";
    int cores = Runtime.getRuntime().availableProcessors();
    String note = String.format(Locale.ROOT, "; load average %.2f on %d cores", value, cores);
    return value > cores ? note + " (busy: other work is running, times will be noisy; compare ratios within this run)"
        : note;
  }
}
