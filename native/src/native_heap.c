/*
 * glibc's malloc, as the JVM and LibTorch use it for every CPU tensor under the huge-page threshold,
 * keeps freed memory in per-thread arenas and returns it to the system only from the top of each
 * heap. A training run frees and reallocates the same activation sizes every step from several
 * threads (LibTorch's intra-op pool, the loader, the JVM), so the resident set crept up by about 2-4 MB
 * an epoch without any leak. Two remedies, both no-ops on other C libraries:
 *   - fewer arenas (M_ARENA_MAX), set once at start-up unless the user set MALLOC_ARENA_MAX;
 *   - malloc_trim(0) at the end of each epoch, which also returns whole free pages inside a heap.
 */
#define _GNU_SOURCE
#include "xfer/kernels.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

int xfer_native_heap_limit_arenas(int arenas) {
  if (arenas < 1) return XFER_ERR_BAD_SHAPE;
#ifdef __GLIBC__
  return mallopt(M_ARENA_MAX, arenas) == 1 ? 1 : 0;
#else
  return 0;
#endif
}

int xfer_native_heap_trim(void) {
#ifdef __GLIBC__
  return malloc_trim(0);
#else
  return 0;
#endif
}
