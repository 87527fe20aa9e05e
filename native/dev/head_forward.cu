/*
Kernels for the head forward pass: global average pool -> dense -> softmax.
  x (N, C, H, W) NCHW, weight (K, C), bias (K) -> probs (N, K); HW = H * W
The CPU reference is xfer_head_forward_cpu (native/src/head_cpu.c, accumulates in double);
tolerance atol 1e-6 + |ref| * 1e-5.

Compile example (from native/dev; or build target xfer_lab_head, see README.md):
nvcc -O3 --fmad=false -lineinfo -I../include -I../tests head_forward.cu ../src/head.cu ../src/head_cpu.c \
  ../src/cuda_runtime_info.cu ../src/status.c -o head_forward

version 1 is fused, one block per sample, thread per channel pooling: each thread sums its own
channel's HW floats, so a warp's loads are 32 addresses HW floats apart (uncoalesced), then a warp
per class for the dense layer and the softmax, with the pooled row in shared memory (this is
native/src/head.cu, which also folds float runs of 64 into a double for long maps: on an H200 it
is the fastest fused version, 3x version 2 at HW = 49, K = 5, because a thread's independent
loads stay in flight while version 2's warps wait on shuffle reductions)
./head_forward 1

version 2 is fused, one block per sample, warp per channel pooling: lanes stride over HW and a
shuffle reduces, so a channel is read as one contiguous run; dense and softmax as in version 1
./head_forward 2

version 3 is unfused: a pooling kernel with a warp per (n, c) row over all SMs writes the (N, C)
pooled tensor to global memory, then a block per sample runs dense + softmax. It pays 2 x N x C x 4
extra bytes but pools with N x C warps instead of N blocks: at N = 32 the fused kernels run on
only 32 SMs, so this version tells whether fusing pays at xfer's batch size
./head_forward 3

Without an argument every version is checked and timed; version 0 is the library entry point.
Shapes: N = 32, C = 2048 (Xception), HW = 49 (224 input) and 100 (299 input), K = 5 and 1000.
*/
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "common.cuh"
#include "xfer/kernels.h"

// ----------------------------------------------------------------------------------------------
// CPU reference

static void head_forward_cpu(const float* x, const float* weight, const float* bias, int n, int c,
                             int hw, int k, float* probs) {
  const int st = xfer_head_forward_cpu(x, weight, bias, n, c, hw, k, probs);
  if (st != XFER_OK) {
    printf("reference failed: %s\n", xfer_status_string(st));
    exit(1);
  }
}

// ----------------------------------------------------------------------------------------------
// GPU kernels

constexpr int kBlockThreads = 512;

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

__device__ __forceinline__ float warp_mean(const float* __restrict__ p, int64_t hw, int lane) {
  constexpr int kRun = 64;  // float elements per lane before folding into a double
  float run = 0.0f;
  int64_t i = lane;
  for (int r = 0; r < kRun && i < hw; ++r, i += 32) run += p[i];
  float sum = run;
  if (hw > 32 * kRun) {  // uniform across the warp: no double work for short maps
    double total = (double)run;
    while (i < hw) {
      run = 0.0f;
      for (int r = 0; r < kRun && i < hw; ++r, i += 32) run += p[i];
      total += (double)run;
    }
    sum = (float)total;
  }
  return warp_sum(sum) / (float)hw;
}

/* Shared by every version: logits from the pooled row in shared memory (a warp per class), then
 * the softmax, each warp reducing all K logits itself and writing its share of probs. Ends with
 * __syncthreads() so the caller may overwrite pooled and logits. */
__device__ __forceinline__ void dense_softmax(const float* pooled, float* logits,
                                              const float* __restrict__ weight,
                                              const float* __restrict__ bias, int c, int k,
                                              float* __restrict__ probs_row) {
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  for (int j = warp; j < k; j += warps) {
    const float* w = weight + (int64_t)j * c;
    float acc = 0.0f;
    for (int i = lane; i < c; i += 32) acc = fmaf(w[i], pooled[i], acc);
    acc = warp_sum(acc);
    if (lane == 0) logits[j] = bias[j] + acc;
  }
  __syncthreads();
  float m = -INFINITY;
  for (int j = lane; j < k; j += 32) m = fmaxf(m, logits[j]);
  m = warp_max(m);
  float sum = 0.0f;
  for (int j = lane; j < k; j += 32) sum += expf(logits[j] - m);
  sum = warp_sum(sum);
  for (int j = warp * 32 + lane; j < k; j += warps * 32) probs_row[j] = expf(logits[j] - m) / sum;
  __syncthreads();
}

__global__ void __launch_bounds__(kBlockThreads)
head_forward_kernel1(const float* __restrict__ x, const float* __restrict__ weight,
                     const float* __restrict__ bias, int n, int c, int hw, int k,
                     float* __restrict__ probs) {
  extern __shared__ float smem[];
  float* pooled = smem;
  float* logits = smem + c;
  for (int s = blockIdx.x; s < n; s += gridDim.x) {
    const float* xs = x + (int64_t)s * c * hw;
    for (int ch = threadIdx.x; ch < c; ch += blockDim.x) {
      const float* p = xs + (int64_t)ch * hw;
      float acc = 0.0f;
      for (int i = 0; i < hw; ++i) acc += p[i];
      pooled[ch] = acc / (float)hw;
    }
    __syncthreads();
    dense_softmax(pooled, logits, weight, bias, c, k, probs + (int64_t)s * k);
  }
}

__global__ void __launch_bounds__(kBlockThreads)
head_forward_kernel2(const float* __restrict__ x, const float* __restrict__ weight,
                     const float* __restrict__ bias, int n, int c, int hw, int k,
                     float* __restrict__ probs) {
  extern __shared__ float smem[];
  float* pooled = smem;
  float* logits = smem + c;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  for (int s = blockIdx.x; s < n; s += gridDim.x) {
    const float* xs = x + (int64_t)s * c * hw;
    for (int ch = warp; ch < c; ch += warps) {
      const float mean = warp_mean(xs + (int64_t)ch * hw, hw, lane);
      if (lane == 0) pooled[ch] = mean;
    }
    __syncthreads();
    dense_softmax(pooled, logits, weight, bias, c, k, probs + (int64_t)s * k);
  }
}

constexpr int kPoolThreads = 256;

__global__ void __launch_bounds__(kPoolThreads)
pool_kernel3(const float* __restrict__ x, int64_t rows, int hw, float* __restrict__ pooled) {
  const int lane = threadIdx.x % 32;
  const int64_t warps_per_block = blockDim.x / 32;
  for (int64_t row = blockIdx.x * warps_per_block + threadIdx.x / 32; row < rows;
       row += gridDim.x * warps_per_block) {
    const float mean = warp_mean(x + row * hw, hw, lane);
    if (lane == 0) pooled[row] = mean;
  }
}

__global__ void __launch_bounds__(kBlockThreads)
dense_softmax_kernel3(const float* __restrict__ pooled_global, const float* __restrict__ weight,
                      const float* __restrict__ bias, int n, int c, int k,
                      float* __restrict__ probs) {
  extern __shared__ float smem[];
  float* pooled = smem;
  float* logits = smem + c;
  for (int s = blockIdx.x; s < n; s += gridDim.x) {
    for (int i = threadIdx.x; i < c; i += blockDim.x) pooled[i] = pooled_global[(int64_t)s * c + i];
    __syncthreads();
    dense_softmax(pooled, logits, weight, bias, c, k, probs + (int64_t)s * k);
  }
}

// ----------------------------------------------------------------------------------------------
// kernel launchers

struct Args {
  const float *x, *weight, *bias;
  int n, c, hw, k;
  float* probs;
  float* scratch; /* (N, C) pooled, version 3 only */
};

static size_t shared_bytes(const Args& a) { return sizeof(float) * (size_t)(a.c + a.k); }
static int sample_grid(int n) { return n < 65535 ? n : 65535; }

static void head_forward1(const Args& a) {
  head_forward_kernel1<<<sample_grid(a.n), kBlockThreads, shared_bytes(a)>>>(
      a.x, a.weight, a.bias, a.n, a.c, a.hw, a.k, a.probs);
}

static void head_forward2(const Args& a) {
  head_forward_kernel2<<<sample_grid(a.n), kBlockThreads, shared_bytes(a)>>>(
      a.x, a.weight, a.bias, a.n, a.c, a.hw, a.k, a.probs);
}

static void head_forward3(const Args& a) {
  const int64_t rows = (int64_t)a.n * a.c;
  const int warps_per_block = kPoolThreads / 32;
  const int grid = ceil_div(rows, warps_per_block) < 65535 ? ceil_div(rows, warps_per_block) : 65535;
  pool_kernel3<<<grid, kPoolThreads>>>(a.x, rows, a.hw, a.scratch);
  dense_softmax_kernel3<<<sample_grid(a.n), kBlockThreads, shared_bytes(a)>>>(
      a.scratch, a.weight, a.bias, a.n, a.c, a.k, a.probs);
}

static void head_forward_library(const Args& a) {
  const int st = xfer_head_forward_cuda(a.x, a.weight, a.bias, a.n, a.c, a.hw, a.k, a.probs, nullptr);
  if (st != XFER_OK) {
    printf("xfer_head_forward_cuda: %s %s\n", xfer_status_string(st), xfer_last_cuda_error());
    exit(1);
  }
}

static void head_forward(int version, const Args& a) {
  switch (version) {
    case 0: head_forward_library(a); break;
    case 1: head_forward1(a); break;
    case 2: head_forward2(a); break;
    case 3: head_forward3(a); break;
    default: printf("invalid version %d\n", version); exit(1);
  }
}

// ----------------------------------------------------------------------------------------------

int main(int argc, char** argv) {
  require_device();
  int first = 0, last = 3;
  if (argc > 1) first = last = atoi(argv[1]);
  const double copy_gbs = copy_bandwidth_gbs();
  const int n = 32, c = 2048;
  const int hws[2] = {49, 100}, ks[2] = {5, 1000};
  int failures = 0;
  check_rng rng = {42u};

  for (int hw : hws) {
    for (int k : ks) {
      printf("head forward: N=%d C=%d HW=%d K=%d\n", n, c, hw, k);
      std::vector<float> x((size_t)n * c * hw), w((size_t)k * c), b((size_t)k), ref((size_t)n * k);
      check_fill_uniform(&rng, x.data(), x.size(), 0.0f, 4.0f);
      const float ws = 3.0f / sqrtf((float)c);
      check_fill_uniform(&rng, w.data(), w.size(), -ws, ws);
      check_fill_uniform(&rng, b.data(), b.size(), -0.5f, 0.5f);
      head_forward_cpu(x.data(), w.data(), b.data(), n, c, hw, k, ref.data());

      float *dx, *dw, *db, *dprobs, *dscratch;
      const size_t probs_bytes = sizeof(float) * (size_t)n * k;
      CHECK_CUDA(cudaMalloc(&dx, sizeof(float) * x.size()));
      CHECK_CUDA(cudaMalloc(&dw, sizeof(float) * w.size()));
      CHECK_CUDA(cudaMalloc(&db, sizeof(float) * b.size()));
      CHECK_CUDA(cudaMalloc(&dprobs, probs_bytes + CHECK_GUARD_BYTES));
      CHECK_CUDA(cudaMalloc(&dscratch, sizeof(float) * (size_t)n * c));
      CHECK_CUDA(cudaMemcpy(dx, x.data(), sizeof(float) * x.size(), cudaMemcpyHostToDevice));
      CHECK_CUDA(cudaMemcpy(dw, w.data(), sizeof(float) * w.size(), cudaMemcpyHostToDevice));
      CHECK_CUDA(cudaMemcpy(db, b.data(), sizeof(float) * b.size(), cudaMemcpyHostToDevice));
      const Args args = {dx, dw, db, n, c, hw, k, dprobs, dscratch};

      std::vector<uint8_t> host_out(probs_bytes + CHECK_GUARD_BYTES);
      int case_failures = 0;
      for (int v = first; v <= last; ++v) {
        check_pattern_fill(host_out.data(), host_out.size());
        CHECK_CUDA(cudaMemcpy(dprobs, host_out.data(), host_out.size(), cudaMemcpyHostToDevice));
        head_forward(v, args);
        CHECK_CUDA(cudaGetLastError());
        CHECK_CUDA(cudaDeviceSynchronize());
        CHECK_CUDA(cudaMemcpy(host_out.data(), dprobs, host_out.size(), cudaMemcpyDeviceToHost));
        char name[32];
        snprintf(name, sizeof(name), "version %d", v);
        if (check_close(name, (const float*)host_out.data(), ref.data(), (size_t)n * k, 1e-6, 1e-5, 5))
          ++case_failures;
        if (!check_guard(name, host_out.data(), probs_bytes)) ++case_failures;
      }
      failures += case_failures;
      if (!case_failures) {
        // Bytes moved: the feature map once, the weight and bias once (each block re-reads the
        // weight, but after the first it comes from L2), the probabilities once. Version 3 also
        // writes and reads the (N, C) pooled tensor; it is not counted, so its GB/s is comparable.
        const double bytes = 4.0 * ((double)n * c * hw + (double)k * c + k + (double)n * k);
        for (int v = first; v <= last; ++v) {
          const float ms = time_ms(5, 100, [&] { head_forward(v, args); });
          char name[48];
          snprintf(name, sizeof(name), "version %d%s", v, v == 0 ? " (library)" : "");
          print_timing(name, ms, bytes, copy_gbs);
        }
      }
      CHECK_CUDA(cudaFree(dx));
      CHECK_CUDA(cudaFree(dw));
      CHECK_CUDA(cudaFree(db));
      CHECK_CUDA(cudaFree(dprobs));
      CHECK_CUDA(cudaFree(dscratch));
    }
  }
  printf("%s: %d failed check(s)\n", failures ? "FAILED" : "PASSED", failures);
  return failures ? 1 : 0;
}
