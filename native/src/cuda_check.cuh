/*
 * Internal to libxfer_kernels (CUDA build): recording CUDA errors for xfer_last_cuda_error().
 *
 * Kernels cannot report from the device, so a launcher validates its host arguments, launches, and
 * then asks the runtime whether the launch was accepted (bad configuration, no device, no kernel
 * image for this GPU, ...). Errors raised later by the asynchronous kernel itself surface at the
 * caller's next synchronising call, as for any CUDA op.
 */
#ifndef XFER_CUDA_CHECK_CUH
#define XFER_CUDA_CHECK_CUH

#include <cuda_runtime.h>

#include "xfer/kernels.h"

namespace xfer {

/* Stores cudaGetErrorString(err) as this thread's last CUDA error (see cuda_runtime_info.cu). */
__attribute__((visibility("hidden"))) void record_cuda_error(cudaError_t err);

/* After a launch: XFER_OK, or XFER_ERR_CUDA with the runtime's message recorded. */
inline int check_launch() {
  const cudaError_t err = cudaGetLastError();
  if (err == cudaSuccess) return XFER_OK;
  record_cuda_error(err);
  return XFER_ERR_CUDA;
}

/* Grid-size cap for the grid-stride loops (gridDim.y/z limit; plenty of blocks for any GPU). */
constexpr long long kMaxGrid = 65535;

inline unsigned grid_size(long long work_items, long long per_block) {
  long long blocks = (work_items + per_block - 1) / per_block;
  if (blocks > kMaxGrid) blocks = kMaxGrid;
  return (unsigned)blocks;
}

}  // namespace xfer

#endif  // XFER_CUDA_CHECK_CUH
