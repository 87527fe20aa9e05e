package dev.xfer.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Naming the C allocator a process runs on. */
class MemoryAllocatorTest {
  private static final Path TCMALLOC = Path.of("/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4");

  /** Prints the allocator of its own process. */
  public static final class AllocatorProbe {
    public static void main(String[] args) {
      System.out.print(MemoryAllocator.name());
    }
  }

  @Test
  void theMappedAllocatorLibraryNamesIt() {
    String libc = "7f2a1c000000-7f2a1c028000 r--p 00000000 fe:01 1836 /usr/lib/x86_64-linux-gnu/libc.so.6";
    String jvm = "7f2a1d000000-7f2a1e000000 r-xp 00000000 fe:01 2101 /usr/lib/jvm/java-17/lib/server/libjvm.so";
    String anonymous = "7f2a1f000000-7f2a1f021000 rw-p 00000000 00:00 0 ";
    assertEquals("glibc", MemoryAllocator.fromMappedFiles(List.of(libc, jvm, anonymous)));
    assertEquals("tcmalloc", MemoryAllocator.fromMappedFiles(List.of(libc,
        "7f2a20000000-7f2a20010000 r-xp 00000000 fe:01 77 /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4.5.10", jvm)));
    assertEquals("jemalloc", MemoryAllocator.fromMappedFiles(List.of(
        "7f2a20000000-7f2a20010000 r-xp 00000000 fe:01 78 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2", libc)));
    assertEquals("glibc", MemoryAllocator.fromMappedFiles(List.of(
        "7f2a20000000-7f2a20010000 r--p 00000000 fe:01 79 /home/user/runs/libtcmalloc-notes.txt")), "not a shared library");
  }

  @Test
  void aPreloadedTcmallocIsSeenAndGlibcOtherwise() throws Exception {
    assumeTrue(Files.isRegularFile(TCMALLOC), "needs Debian's libtcmalloc-minimal4");
    assertEquals("tcmalloc", probe(Map.of("LD_PRELOAD", TCMALLOC.toString())));
    assertEquals("glibc", probe(Map.of()));
  }

  private static String probe(Map<String, String> environment) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AllocatorProbe.class.getName());
    pb.environment().remove("LD_PRELOAD");
    pb.environment().putAll(environment);
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertEquals(0, p.waitFor(), out);
    return out;
  }
}
