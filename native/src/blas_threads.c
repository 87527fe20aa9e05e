/*
 * The thread count of the OpenBLAS that LibTorch's CPU build calls for float32 matrix products and
 * NCHW 1x1 convolutions. OpenBLAS sizes its own pool from the core count, not from LibTorch's
 * intra-op setting, so `--threads 1` still ran those on every core. The library is found among the
 * ones already loaded (RTLD_NOLOAD): nothing is loaded here, and without OpenBLAS these are no-ops.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

#include "xfer/kernels.h"

static void* loaded_openblas(void) {
  static const char* const names[] = {"libopenblas.so.0", "libopenblas_nolapack.so.0", "libopenblas.so"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); ++i) {
    void* handle = dlopen(names[i], RTLD_LAZY | RTLD_NOLOAD);
    if (handle) return handle;
  }
  return NULL;
}

int xfer_blas_threads(void) {
  void* handle = loaded_openblas();
  if (!handle) return 0;
  int (*get)(void) = (int (*)(void))dlsym(handle, "openblas_get_num_threads");
  const int threads = get ? get() : 0;
  dlclose(handle); /* drops only the reference RTLD_NOLOAD added */
  return threads;
}

int xfer_blas_set_threads(int threads) {
  if (threads < 1) return XFER_ERR_BAD_SHAPE;
  void* handle = loaded_openblas();
  if (!handle) return 0;
  void (*set)(int) = (void (*)(int))dlsym(handle, "openblas_set_num_threads");
  if (set) set(threads);
  dlclose(handle);
  return xfer_blas_threads();
}
