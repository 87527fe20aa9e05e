package dev.xfer.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xfer.kernels.NativeKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/** The native heap is trimmed for real: freed memory held by malloc leaves the resident set. */
class NativeHeapTest {
  private static final int CHUNK = 4096;  // far below malloc's mmap threshold: served from a heap
  private static final int CHUNKS = 16384;  // 64 MB

  @Test
  void trimReturnsFreedHeapPagesToTheSystem() throws IOException {
    assumeTrue(MemoryAllocator.name().equals("glibc"), "glibc's heap; a preloaded allocator keeps its own");
    List<Pointer> chunks = new ArrayList<>(CHUNKS);
    for (int i = 0; i < CHUNKS; i++) {
      Pointer p = Pointer.malloc(CHUNK);
      Pointer.memset(p, 1, CHUNK);  // resident
      chunks.add(p);
    }
    // free all but the newest chunk, which pins the heap's top: free() alone cannot shrink it
    for (int i = 0; i < CHUNKS - 1; i++) Pointer.free(chunks.get(i));
    long before = residentKb();
    assertTrue(NativeHeap.trim(), "malloc_trim released nothing");
    long after = residentKb();
    Pointer.free(chunks.get(CHUNKS - 1));
    long releasedMb = (before - after) / 1024;
    assertTrue(releasedMb >= 32, "resident set fell by " + releasedMb + " MB after the trim, expected most of 64 MB");
  }

  @Test
  void arenaLimitIsAppliedOnGlibcAndRefusesZero() {
    assertEquals(1, NativeKernels.xfer_native_heap_limit_arenas(NativeHeap.DEFAULT_ARENAS));
    assertEquals(NativeKernels.XFER_ERR_BAD_SHAPE, NativeKernels.xfer_native_heap_limit_arenas(0));
  }

  private static long residentKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
