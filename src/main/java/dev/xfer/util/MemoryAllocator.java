package dev.xfer.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which C allocator serves this process's native memory (LibTorch's tensors among it): the one a library
 * preloaded into the process (the {@code xfer} launcher preloads tcmalloc where it is installed), else glibc's.
 *
 * <p>It matters for speed and memory: glibc hands the tensors of a training step back to the kernel and takes
 * them again as fresh pages, which the step then clears; tcmalloc keeps them. The full Xception's float32 step
 * ran 1.12x faster with tcmalloc, with a fifth less peak memory (benchmarks/RESULTS.md).
 */
public final class MemoryAllocator {
  /** Allocators that are preloaded in place of glibc's. */
  private static final List<String> PRELOADABLE = List.of("tcmalloc", "jemalloc", "mimalloc");

  private MemoryAllocator() {}

  /** The allocator of this process: "tcmalloc", "jemalloc", "mimalloc" or "glibc". */
  public static String name() {
    try {
      return fromMappedFiles(Files.readAllLines(Path.of("/proc/self/maps")));
    } catch (IOException | RuntimeException e) {
      return "glibc";
    }
  }

  /**
   * The allocator named by the lines of a {@code /proc/PID/maps} listing: the first preloadable allocator library
   * mapped into the process, else "glibc".
   */
  static String fromMappedFiles(List<String> mapsLines) {
    for (String line : mapsLines) {
      int slash = line.lastIndexOf('/');
      if (slash < 0) continue;
      String file = line.substring(slash + 1); // libtcmalloc_minimal.so.4.5.10, libjemalloc.so.2, ...
      for (String allocator : PRELOADABLE) {
        if (file.startsWith("lib" + allocator) && file.contains(".so")) return allocator;
      }
    }
    return "glibc";
  }

  /** The allocator and how to change it, for {@code xfer info}. */
  public static String describe() {
    String name = name();
    if (!name.equals("glibc")) return name + " (preloaded; XFER_MALLOC=glibc runs the launcher without it)";
    return "glibc (install libtcmalloc-minimal4 and the xfer launcher preloads tcmalloc: float32 training runs faster"
        + " in less memory)";
  }
}
