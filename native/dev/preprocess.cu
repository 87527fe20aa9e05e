/*
Kernels for preprocess: N uint8 HWC RGB images (each its own H x W) -> float32 NCHW (N, 3, OH, OW),
tf.image.resize(bilinear, half-pixel centres, edge clamp, no antialias) fused with per-channel
normalisation (v / scale_div - mean[c]) / std[c], in TF's float32 operation order, no FMA.
The CPU reference is xfer_preprocess_cpu (native/src/preprocess_cpu.c); every version must match it
bit for bit (checked with atol 1e-5).

Compile example (from native/dev; or build target xfer_lab_preprocess, see README.md):
nvcc -O3 --fmad=false -lineinfo -I../include -I../tests preprocess.cu ../src/preprocess.cu ../src/preprocess_cpu.c \
  ../src/cuda_runtime_info.cu ../src/status.c -o preprocess

version 1 is one thread per output float (n, c, oy, ox) from a flat index: simple, but every tap is
computed 3 times and each thread pays 64-bit divisions to recover its coordinates
./preprocess 1

version 2 is one thread per output pixel computing all 3 channels, 32 x 8 output tiles, images on
grid z: taps once per pixel, no divisions, each warp stores 128 contiguous bytes per channel plane
(this is native/src/preprocess.cu)
./preprocess 2

Without an argument every version is checked and timed; version 0 is the library entry point.
*/
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "common.cuh"
#include "xfer/kernels.h"

// ----------------------------------------------------------------------------------------------
// CPU reference

static void preprocess_cpu(const uint8_t* pixels, const int64_t* offsets, const int32_t* heights,
                           const int32_t* widths, int n, int out_h, int out_w, float scale_div,
                           const float mean[3], const float stdv[3], float* out) {
  const int st = xfer_preprocess_cpu(pixels, offsets, heights, widths, n, out_h, out_w, scale_div,
                                     mean[0], mean[1], mean[2], stdv[0], stdv[1], stdv[2], out);
  if (st != XFER_OK) {
    printf("reference failed: %s\n", xfer_status_string(st));
    exit(1);
  }
}

// ----------------------------------------------------------------------------------------------
// GPU kernels

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

__device__ __forceinline__ float tf_lerp(float a, float b, float t) {
  return __fadd_rn(a, __fmul_rn(__fsub_rn(b, a), t));
}

__device__ __forceinline__ float normalise(float v, float scale_div, float mean, float stdv) {
  return __fdiv_rn(__fsub_rn(__fdiv_rn(v, scale_div), mean), stdv);
}

__global__ void preprocess_kernel1(const uint8_t* __restrict__ pixels,
                                   const int64_t* __restrict__ offsets,
                                   const int32_t* __restrict__ heights,
                                   const int32_t* __restrict__ widths, int n, int out_h, int out_w,
                                   float scale_div, float3 mean, float3 stdv,
                                   float* __restrict__ out) {
  const int64_t plane = (int64_t)out_h * out_w;
  const int64_t total = (int64_t)n * 3 * plane;
  for (int64_t idx = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; idx < total;
       idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t img_c = idx / plane;
    const int64_t rem = idx - img_c * plane;
    const int img = (int)(img_c / 3), c = (int)(img_c - (int64_t)img * 3);
    const int oy = (int)(rem / out_w), ox = (int)(rem - (int64_t)oy * out_w);
    const int h = heights[img], w = widths[img];
    const uint8_t* src = pixels + offsets[img];
    const Tap ty = tf_tap(oy, h, __fdiv_rn((float)h, (float)out_h));
    const Tap tx = tf_tap(ox, w, __fdiv_rn((float)w, (float)out_w));
    const int64_t stride = 3 * (int64_t)w;
    const uint8_t* row0 = src + ty.lo * stride + c;
    const uint8_t* row1 = src + ty.hi * stride + c;
    const int64_t xl = 3 * (int64_t)tx.lo, xr = 3 * (int64_t)tx.hi;
    const float top = tf_lerp((float)row0[xl], (float)row0[xr], tx.t);
    const float bottom = tf_lerp((float)row1[xl], (float)row1[xr], tx.t);
    const float m = c == 0 ? mean.x : (c == 1 ? mean.y : mean.z);
    const float s = c == 0 ? stdv.x : (c == 1 ? stdv.y : stdv.z);
    out[idx] = normalise(tf_lerp(top, bottom, ty.t), scale_div, m, s);
  }
}

constexpr int kTileW = 32, kTileH = 8;

__global__ void __launch_bounds__(kTileW * kTileH)
preprocess_kernel2(const uint8_t* __restrict__ pixels, const int64_t* __restrict__ offsets,
                   const int32_t* __restrict__ heights, const int32_t* __restrict__ widths, int n,
                   int out_h, int out_w, float scale_div, float3 mean, float3 stdv,
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
          dst[c * plane + at] = normalise(tf_lerp(top, bottom, ty.t), scale_div, m[c], s[c]);
        }
      }
    }
  }
}

// ----------------------------------------------------------------------------------------------
// kernel launchers

struct Args {
  const uint8_t* pixels;
  const int64_t* offsets;
  const int32_t* heights;
  const int32_t* widths;
  int n, out_h, out_w;
  float scale_div;
  float3 mean, stdv;
  float* out;
};

static void preprocess1(const Args& a) {
  const int block = 256;
  const long long total = (long long)a.n * 3 * a.out_h * a.out_w;
  const int grid = ceil_div(total, block) < (1 << 20) ? ceil_div(total, block) : (1 << 20);
  preprocess_kernel1<<<grid, block>>>(a.pixels, a.offsets, a.heights, a.widths, a.n, a.out_h,
                                      a.out_w, a.scale_div, a.mean, a.stdv, a.out);
}

static void preprocess2(const Args& a) {
  const dim3 block(kTileW, kTileH);
  const dim3 grid(ceil_div(a.out_w, kTileW) < 65535 ? ceil_div(a.out_w, kTileW) : 65535,
                  ceil_div(a.out_h, kTileH) < 65535 ? ceil_div(a.out_h, kTileH) : 65535,
                  a.n < 65535 ? a.n : 65535);
  preprocess_kernel2<<<grid, block>>>(a.pixels, a.offsets, a.heights, a.widths, a.n, a.out_h,
                                      a.out_w, a.scale_div, a.mean, a.stdv, a.out);
}

static void preprocess_library(const Args& a) {
  const int st = xfer_preprocess_cuda(a.pixels, a.offsets, a.heights, a.widths, a.n, a.out_h,
                                      a.out_w, a.scale_div, a.mean.x, a.mean.y, a.mean.z, a.stdv.x,
                                      a.stdv.y, a.stdv.z, a.out, nullptr);
  if (st != XFER_OK) {
    printf("xfer_preprocess_cuda: %s %s\n", xfer_status_string(st), xfer_last_cuda_error());
    exit(1);
  }
}

static void preprocess(int version, const Args& a) {
  switch (version) {
    case 0: preprocess_library(a); break;
    case 1: preprocess1(a); break;
    case 2: preprocess2(a); break;
    default: printf("invalid version %d\n", version); exit(1);
  }
}

// ----------------------------------------------------------------------------------------------

int main(int argc, char** argv) {
  require_device();
  const int n = 32, out_h = 224, out_w = 224;
  const float scale_div = 255.0f, mean[3] = {0.485f, 0.456f, 0.406f}, stdv[3] = {0.229f, 0.224f, 0.225f};

  // 32 photo-sized images, landscape and portrait alternating, packed with odd gaps
  check_rng rng = {1234u};
  std::vector<int32_t> heights(n), widths(n);
  std::vector<int64_t> offsets(n);
  int64_t total = 0;
  for (int i = 0; i < n; ++i) {
    heights[i] = i % 2 ? 500 : 375;
    widths[i] = i % 2 ? 375 : 500;
    total += i % 3;
    offsets[i] = total;
    total += 3 * (int64_t)heights[i] * widths[i];
  }
  std::vector<uint8_t> pixels((size_t)total);
  check_fill_bytes(&rng, pixels.data(), pixels.size());
  const size_t out_count = (size_t)n * 3 * out_h * out_w, out_bytes = out_count * sizeof(float);
  std::vector<float> ref(out_count);
  preprocess_cpu(pixels.data(), offsets.data(), heights.data(), widths.data(), n, out_h, out_w,
                 scale_div, mean, stdv, ref.data());

  uint8_t* d_pixels;
  int64_t* d_offsets;
  int32_t *d_heights, *d_widths;
  float* d_out;
  CHECK_CUDA(cudaMalloc(&d_pixels, pixels.size()));
  CHECK_CUDA(cudaMalloc(&d_offsets, sizeof(int64_t) * n));
  CHECK_CUDA(cudaMalloc(&d_heights, sizeof(int32_t) * n));
  CHECK_CUDA(cudaMalloc(&d_widths, sizeof(int32_t) * n));
  CHECK_CUDA(cudaMalloc(&d_out, out_bytes + CHECK_GUARD_BYTES));
  CHECK_CUDA(cudaMemcpy(d_pixels, pixels.data(), pixels.size(), cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(d_offsets, offsets.data(), sizeof(int64_t) * n, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(d_heights, heights.data(), sizeof(int32_t) * n, cudaMemcpyHostToDevice));
  CHECK_CUDA(cudaMemcpy(d_widths, widths.data(), sizeof(int32_t) * n, cudaMemcpyHostToDevice));
  const Args args = {d_pixels, d_offsets, d_heights, d_widths, n, out_h, out_w, scale_div,
                     make_float3(mean[0], mean[1], mean[2]), make_float3(stdv[0], stdv[1], stdv[2]),
                     d_out};

  int first = 0, last = 2;
  if (argc > 1) first = last = atoi(argv[1]);

  // check every version: output pre-filled with the guard pattern, guard bytes untouched after
  std::vector<uint8_t> host_out(out_bytes + CHECK_GUARD_BYTES);
  int failures = 0;
  printf("preprocess: %d images of 375x500 / 500x375 -> %dx%d, ImageNet normalisation\n", n, out_h, out_w);
  for (int v = first; v <= last; ++v) {
    check_pattern_fill(host_out.data(), host_out.size());
    CHECK_CUDA(cudaMemcpy(d_out, host_out.data(), host_out.size(), cudaMemcpyHostToDevice));
    preprocess(v, args);
    CHECK_CUDA(cudaGetLastError());
    CHECK_CUDA(cudaDeviceSynchronize());
    CHECK_CUDA(cudaMemcpy(host_out.data(), d_out, host_out.size(), cudaMemcpyDeviceToHost));
    char name[32];
    snprintf(name, sizeof(name), "version %d", v);
    if (check_close(name, (const float*)host_out.data(), ref.data(), out_count, 1e-5, 0.0, 5)) ++failures;
    if (!check_guard(name, host_out.data(), out_bytes)) ++failures;
  }
  if (failures) {
    printf("FAILED: %d check(s)\n", failures);
    return 1;
  }
  printf("all versions match the reference\n");

  // time every version. Bytes moved: every source byte once (at ~2.2x downscaling nearly every
  // source row and column is a tap, and L1/L2 absorb the reuse), the float output once, and the
  // 16 bytes of per-image metadata.
  const double copy_gbs = copy_bandwidth_gbs();
  const double bytes = (double)(total + out_bytes + (size_t)n * 16);
  for (int v = first; v <= last; ++v) {
    const float ms = time_ms(3, 50, [&] { preprocess(v, args); });
    char name[48];
    snprintf(name, sizeof(name), "version %d%s", v, v == 0 ? " (library)" : "");
    print_timing(name, ms, bytes, copy_gbs);
  }
  CHECK_CUDA(cudaFree(d_pixels));
  CHECK_CUDA(cudaFree(d_offsets));
  CHECK_CUDA(cudaFree(d_heights));
  CHECK_CUDA(cudaFree(d_widths));
  CHECK_CUDA(cudaFree(d_out));
  return 0;
}
