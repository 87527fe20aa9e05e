/*
 * CUDA runtime queries of the flat C API: does this build have CUDA kernels, how many devices,
 * and the text of this thread's last CUDA error.
 *
 * The library links the static CUDA runtime, which loads libcuda.so only at the first runtime
 * call, so libxfer_kernels loads on machines without a driver. Nothing here runs at load time:
 * the first CUDA work happens when the caller asks for the device count or launches a kernel.
 */
#include <cstdio>

#include "cuda_check.cuh"
#include "xfer/kernels.h"

namespace {
thread_local char last_error[256] = "";
}  // namespace

namespace xfer {
void record_cuda_error(cudaError_t err) {
  std::snprintf(last_error, sizeof(last_error), "%s (%s)", cudaGetErrorString(err),
                cudaGetErrorName(err));
}
}  // namespace xfer

extern "C" int xfer_has_cuda_kernels(void) { return 1; }

extern "C" int xfer_cuda_device_count(void) {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err == cudaSuccess) return count;
  xfer::record_cuda_error(err);
  (void)cudaGetLastError(); /* clear it, so the next launch check does not report it again */
  /* A driver that sees no device is an answer (0 devices), not a failure; the message stays. */
  if (err == cudaErrorNoDevice) return 0;
  return XFER_ERR_CUDA;
}

extern "C" const char* xfer_last_cuda_error(void) { return last_error; }
