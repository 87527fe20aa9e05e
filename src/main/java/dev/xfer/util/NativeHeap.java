package dev.xfer.util;

import dev.xfer.kernels.NativeKernels;

/**
 * Keeps the native heap's resident size flat over long runs. glibc's malloc, which serves LibTorch's
 * CPU tensors under the huge-page threshold and the JVM's own native allocations, keeps freed memory
 * in per-thread arenas and returns it only from the top of each heap; a training run that frees and
 * reallocates the same activation sizes every step from several threads grew by a few MB an epoch
 * without any leak. xfer caps the arenas at start-up and trims the heaps between epochs (both are
 * no-ops on other C libraries; see {@code native/src/native_heap.c}). Where the launcher preloads tcmalloc
 * ({@link MemoryAllocator}), tcmalloc serves those allocations instead: the cap goes to its no-op
 * {@code mallopt} and the trim finds glibc's arenas nearly empty.
 */
public final class NativeHeap {
  /** Arenas when the user has not chosen: one for the main thread, one shared by the rest. */
  static final int DEFAULT_ARENAS = 2;

  private NativeHeap() {}

  /** Caps glibc's malloc arenas at two unless {@code MALLOC_ARENA_MAX} is exported; once, at start-up. */
  public static void limitArenas() {
    if (System.getenv("MALLOC_ARENA_MAX") == null) NativeKernels.xfer_native_heap_limit_arenas(DEFAULT_ARENAS);
  }

  /**
   * Returns the native heaps' free pages to the system; call between epochs (it walks every heap,
   * well under a millisecond here).
   *
   * @return true when some memory was released
   */
  public static boolean trim() {
    return NativeKernels.xfer_native_heap_trim() == 1;
  }
}
