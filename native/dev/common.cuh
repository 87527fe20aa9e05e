/*
 * Kernel-lab helpers shared by the files in native/dev (after llm.c's dev/cuda/common.h):
 * device presence (exit 77 without one), event timing with warmup, and the device-to-device
 * copy bandwidth of the card, the ceiling a memory-bound kernel is compared against.
 * Checks (random fill, guard bytes, tolerance compare) come from native/tests/check.h.
 */
#ifndef XFER_DEV_COMMON_CUH
#define XFER_DEV_COMMON_CUH

#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>

#include "check.h"

inline int ceil_div(long long a, long long b) { return (int)((a + b - 1) / b); }

/* Prints the device and returns 0, or prints why and exits 77 (no device: nothing to measure). */
inline void require_device(void) {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess || count == 0) {
    printf("no CUDA device (%s): lab skipped\n", err == cudaSuccess ? "count 0" : cudaGetErrorString(err));
    exit(CHECK_SKIP);
  }
  cudaDeviceProp prop;
  CHECK_CUDA(cudaGetDeviceProperties(&prop, 0));
  printf("device 0: %s, sm_%d%d, %d SMs, %.1f GB\n", prop.name, prop.major, prop.minor,
         prop.multiProcessorCount, (double)prop.totalGlobalMem / 1e9);
}

/* Mean milliseconds per call of `launch` over `repeat` calls after `warmup` calls. */
template <class Launch>
float time_ms(int warmup, int repeat, Launch launch) {
  for (int i = 0; i < warmup; ++i) launch();
  CHECK_CUDA(cudaGetLastError());
  cudaEvent_t start, stop;
  CHECK_CUDA(cudaEventCreate(&start));
  CHECK_CUDA(cudaEventCreate(&stop));
  CHECK_CUDA(cudaEventRecord(start));
  for (int i = 0; i < repeat; ++i) launch();
  CHECK_CUDA(cudaEventRecord(stop));
  CHECK_CUDA(cudaEventSynchronize(stop));
  CHECK_CUDA(cudaGetLastError());
  float ms = 0.0f;
  CHECK_CUDA(cudaEventElapsedTime(&ms, start, stop));
  CHECK_CUDA(cudaEventDestroy(start));
  CHECK_CUDA(cudaEventDestroy(stop));
  return ms / (float)repeat;
}

/* Achieved device-to-device cudaMemcpy bandwidth in GB/s, counting read + write (2 x bytes). */
inline double copy_bandwidth_gbs(void) {
  const size_t bytes = (size_t)512 << 20; /* 512 MiB: far beyond any L2 */
  void *src, *dst;
  CHECK_CUDA(cudaMalloc(&src, bytes));
  CHECK_CUDA(cudaMalloc(&dst, bytes));
  CHECK_CUDA(cudaMemset(src, 1, bytes));
  const float ms = time_ms(2, 10, [&] { CHECK_CUDA(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToDevice)); });
  CHECK_CUDA(cudaFree(src));
  CHECK_CUDA(cudaFree(dst));
  const double gbs = 2.0 * (double)bytes / (ms * 1e-3) / 1e9;
  printf("device-to-device cudaMemcpy of 512 MiB: %.4f ms | %.1f GB/s (read + write)\n", ms, gbs);
  return gbs;
}

inline void print_timing(const char* name, float ms, double bytes, double copy_gbs) {
  const double gbs = bytes / (ms * 1e-3) / 1e9;
  printf("  %-34s time %.4f ms | %7.1f GB/s | %.2f of copy\n", name, ms, gbs, gbs / copy_gbs);
}

#endif  // XFER_DEV_COMMON_CUH
