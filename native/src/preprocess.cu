/*
 * preprocess, CUDA: uint8 HWC RGB images -> float32 NCHW (N, 3, OH, OW), tf.image.resize(bilinear,
 * half-pixel centres, edge clamp, no antialias) fused with per-channel normalisation.
 * Lab: native/dev/preprocess.cu; this is its version 2 (chosen on the reasoning below; the lab's
 * timings on a real card are still to be recorded).
 *
 * Fused: the decoded uint8 bytes are read once and the normalised float written once; no float
 * copy of the full-size image and no separate permute/normalise pass (LibTorch's op chain makes
 * three). One thread per output pixel computes all 3 channels from the 4 source pixels around it,
 * so the taps and lerp weights are computed once per pixel; blocks are 32 x 8 output tiles, so a
 * warp's stores to each channel plane are 128 contiguous bytes and the 8 rows of a tile share
 * their source rows in L1. Version 1 (one thread per output float, flat index) recomputes every
 * tap 3 times and pays two integer divisions per float.
 *
 * Arithmetic is TF's (= preprocess_cpu.c) in TF's order, float32, with explicit round-to-nearest
 * intrinsics so no multiply-add is ever contracted (the target also builds with --fmad=false):
 * the result is bit-identical to xfer_preprocess_cpu.
 *
 * Validation: host arguments as in the CPU version. Per-image heights, widths and offsets live
 * on the device and are not checked on the host: the caller validates them (H, W > 0, offset >= 0,
 * offset + H*W*3 within `pixels`). An image with H <= 0, W <= 0 or offset < 0 gets NaN output.
 */
#include <cuda_runtime.h>

#include <cstdint>

#include "cuda_check.cuh"
#include "xfer/kernels.h"

namespace {

constexpr int kTileW = 32;  // output pixels per block along x (one warp)
constexpr int kTileH = 8;   // output rows per block

/* One axis of TF's resize for output coordinate o: source indices lo/hi and lerp weight t. */
struct Tap {
  int lo, hi;
  float t;
};

__device__ __forceinline__ Tap tf_tap(int o, int in_size, float scale) {
  const float f = __fsub_rn(__fmul_rn(__fadd_rn((float)o, 0.5f), scale), 0.5f);
  const float fl = floorf(f);
  Tap tap;
  tap.lo = max((int)fl, 0);
  tap.hi = min((int)ceilf(f), in_size - 1);
  tap.t = __fsub_rn(f, fl);
  return tap;
}

/* a + (b - a) * t, rounded step by step like TF's float kernel. */
__device__ __forceinline__ float tf_lerp(float a, float b, float t) {
  return __fadd_rn(a, __fmul_rn(__fsub_rn(b, a), t));
}

__global__ void __launch_bounds__(kTileW * kTileH)
preprocess_kernel(const uint8_t* __restrict__ pixels, const int64_t* __restrict__ offsets,
                  const int32_t* __restrict__ heights, const int32_t* __restrict__ widths,
                  int n, int out_h, int out_w, float scale_div, float3 mean, float3 stdv,
                  float* __restrict__ out) {
  const int64_t plane = (int64_t)out_h * out_w;
  for (int img = blockIdx.z; img < n; img += gridDim.z) {
    const int h = heights[img], w = widths[img];
    const int64_t offset = offsets[img];
    float* dst = out + (int64_t)img * 3 * plane;
    const bool valid = h > 0 && w > 0 && offset >= 0;
    const float scale_y = __fdiv_rn((float)h, (float)out_h);
    const float scale_x = __fdiv_rn((float)w, (float)out_w);
    const uint8_t* src = pixels + offset;
    const int64_t stride = 3 * (int64_t)w;
    for (int oy = blockIdx.y * kTileH + threadIdx.y; oy < out_h; oy += gridDim.y * kTileH) {
      const Tap ty = tf_tap(oy, h, scale_y);
      const uint8_t* row0 = src + ty.lo * stride;
      const uint8_t* row1 = src + ty.hi * stride;
      for (int ox = blockIdx.x * kTileW + threadIdx.x; ox < out_w; ox += gridDim.x * kTileW) {
        const int64_t at = (int64_t)oy * out_w + ox;
        if (!valid) {
          dst[at] = dst[plane + at] = dst[2 * plane + at] = __int_as_float(0x7fc00000);
          continue;
        }
        const Tap tx = tf_tap(ox, w, scale_x);
        const int64_t xl = 3 * (int64_t)tx.lo, xr = 3 * (int64_t)tx.hi;
        const uint8_t* tl = row0 + xl;
        const uint8_t* tr = row0 + xr;
        const uint8_t* bl = row1 + xl;
        const uint8_t* br = row1 + xr;
        const float m[3] = {mean.x, mean.y, mean.z};
        const float s[3] = {stdv.x, stdv.y, stdv.z};
#pragma unroll
        for (int c = 0; c < 3; ++c) {
          const float top = tf_lerp((float)tl[c], (float)tr[c], tx.t);
          const float bottom = tf_lerp((float)bl[c], (float)br[c], tx.t);
          const float v = tf_lerp(top, bottom, ty.t);
          dst[c * plane + at] = __fdiv_rn(__fsub_rn(__fdiv_rn(v, scale_div), m[c]), s[c]);
        }
      }
    }
  }
}

}  // namespace

extern "C" int xfer_preprocess_cuda(const uint8_t* pixels, const int64_t* offsets,
                                    const int32_t* heights, const int32_t* widths, int32_t n,
                                    int32_t out_h, int32_t out_w, float scale_div, float mean0,
                                    float mean1, float mean2, float std0, float std1, float std2,
                                    float* out, void* stream) {
  if (!pixels || !offsets || !heights || !widths || !out) return XFER_ERR_NULL_POINTER;
  if (n <= 0 || out_h <= 0 || out_w <= 0) return XFER_ERR_BAD_SHAPE;
  const dim3 block(kTileW, kTileH);
  const dim3 grid(xfer::grid_size(out_w, kTileW), xfer::grid_size(out_h, kTileH),
                  xfer::grid_size(n, 1));
  preprocess_kernel<<<grid, block, 0, static_cast<cudaStream_t>(stream)>>>(
      pixels, offsets, heights, widths, n, out_h, out_w, scale_div,
      make_float3(mean0, mean1, mean2), make_float3(std0, std1, std2), out);
  return xfer::check_launch();
}
