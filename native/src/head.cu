/*
 * head, CUDA: global average pool + dense + softmax (forward), pooled features only, and the
 * dense layer's sparse cross-entropy training step on pooled features.
 * Lab: native/dev/head_forward.cu; the forward kernel here is its version 1. Timed on an NVIDIA
 * H200 (N = 32, C = 2048): HW = 49, K = 5: 0.024 ms against 0.077 ms for version 2 (a warp per
 * channel) and 0.022 ms for the unfused version 3; HW = 100, K = 5:
 * 0.055 / 0.111 / 0.026 ms; K = 1000: within 7% of version 2 either way.
 *
 * Forward, fused: one block per sample pools every channel into shared memory, a thread per
 * channel summing its HW floats in order (the loads of one thread are independent, so a thread
 * keeps many in flight; a warp per channel instead spends most of its time in shuffle reductions
 * of 49 or 100 floats), then computes the K logits from shared memory (a warp per class, lanes
 * striding over C, so weight rows are read coalesced) and the softmax. The (N, C) pooled tensor
 * never reaches global memory: the feature map is read once and only (N, K) probabilities are
 * written. The softmax needs no shared scratch beyond the C + K floats: every warp computes the max
 * and the sum over the K logits itself (identical, deterministic results) and writes its share of
 * the probabilities.
 *
 * Shared memory: C + K floats of dynamic shared memory per block, at most 48 KB (the limit
 * without an opt-in), so the forward and training kernels reject C + K > 12288 (XFER_ERR_BAD_SHAPE).
 *
 * Training step, three launches, no float atomics (bitwise deterministic):
 *   A  one block per sample: logits (per-lane float dot products, combined in double), the
 *      max-subtracted log-sum-exp, sample_loss[n] and grad_logits[n, :] = (p - onehot) / N.
 *      A label outside [0, K) gives NaN in sample_loss[n] and in row n of grad_logits, hence in
 *      loss, grad_weight and grad_bias: the device cannot report it (callers validate labels).
 *   B  one thread per (k, c): grad_weight[k, c] = sum_n grad_logits[n, k] * pooled[n, c], n in
 *      order, float runs of 32 samples folded into a double (large batches stay accurate).
 *   C  one block: grad_bias[k] = sum_n grad_logits[n, k] the same way; loss = mean of sample_loss
 *      summed by one warp in double in a fixed order.
 * Reference: head_cpu.c, which accumulates in double; results agree to ~1e-6 relative.
 */
#include <cuda_runtime.h>

#include <cstdint>

#include "cuda_check.cuh"
#include "xfer/kernels.h"

namespace {

constexpr int kBlockThreads = 512;     // forward and training kernel A: 16 warps per sample
constexpr int kPoolThreads = 256;      // pool kernel: 8 warps, one (n, c) row each
constexpr int kGradThreads = 256;      // training kernels B and C
constexpr int64_t kMaxSharedFloats = 48 * 1024 / sizeof(float);  // C + K limit: 12288

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ double warp_sum(double v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

/* Mean of one channel's hw contiguous floats by a whole warp; every lane gets the result.
 * Each lane sums float runs of 64 elements and folds them into a double, so huge spatial maps
 * keep their precision; for HW <= 2048 (xfer's are 49 and 100) there is one run and no double. */
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

/* Mean of one channel's hw contiguous floats by one thread, summed in order: float runs of 64
 * folded into a double, so huge spatial maps keep their precision (xfer's are 49 and 100: one run). */
__device__ __forceinline__ float thread_mean(const float* __restrict__ p, int64_t hw) {
  constexpr int64_t kRun = 64;
  float run = 0.0f;
  int64_t i = 0;
  for (const int64_t end = hw < kRun ? hw : kRun; i < end; ++i) run += p[i];
  if (i == hw) return run / (float)hw;
  double total = (double)run;
  while (i < hw) {
    run = 0.0f;
    for (const int64_t end = (hw - i > kRun) ? i + kRun : hw; i < end; ++i) run += p[i];
    total += (double)run;
  }
  return (float)total / (float)hw;
}

/* sum_n a[n * a_stride] * b[n * b_stride] in a fixed order: float runs of 32 folded into a
 * double, so the sum over a large batch stays accurate at a cost of one double add per run. */
__device__ __forceinline__ float batch_dot(const float* __restrict__ a, int64_t a_stride,
                                           const float* __restrict__ b, int64_t b_stride,
                                           int64_t n) {
  double total = 0.0;
  int64_t s = 0;
  while (s < n) {
    const int64_t end = (n - s > 32) ? s + 32 : n;
    float run = 0.0f;
    for (; s < end; ++s) run = fmaf(a[s * a_stride], b ? b[s * b_stride] : 1.0f, run);
    total += (double)run;
  }
  return (float)total;
}

/* weight[j, :] . v over c floats by a whole warp (v in shared memory); per-lane float sums. */
__device__ __forceinline__ float warp_dot_partial(const float* __restrict__ w_row,
                                                  const float* v, int c, int lane) {
  float acc = 0.0f;
  for (int i = lane; i < c; i += 32) acc = fmaf(w_row[i], v[i], acc);
  return acc;
}

__global__ void __launch_bounds__(kBlockThreads)
head_forward_kernel(const float* __restrict__ x, const float* __restrict__ weight,
                    const float* __restrict__ bias, int64_t n, int c, int64_t hw, int k,
                    float* __restrict__ probs) {
  extern __shared__ float smem[];
  float* pooled = smem;     // (C)
  float* logits = smem + c; // (K)
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  for (int64_t s = blockIdx.x; s < n; s += gridDim.x) {
    const float* xs = x + s * c * hw;
    for (int ch = threadIdx.x; ch < c; ch += blockDim.x) pooled[ch] = thread_mean(xs + ch * hw, hw);
    __syncthreads();
    for (int j = warp; j < k; j += warps) {
      const float dot = warp_sum(warp_dot_partial(weight + (int64_t)j * c, pooled, c, lane));
      if (lane == 0) logits[j] = bias[j] + dot;
    }
    __syncthreads();
    /* softmax: each warp reduces all K logits itself, then writes every warps-th group of 32 */
    float m = -INFINITY;
    for (int j = lane; j < k; j += 32) m = fmaxf(m, logits[j]);
    m = warp_max(m);
    float sum = 0.0f;
    for (int j = lane; j < k; j += 32) sum += expf(logits[j] - m);
    sum = warp_sum(sum);
    float* out = probs + s * k;
    for (int j = warp * 32 + lane; j < k; j += warps * 32) out[j] = expf(logits[j] - m) / sum;
    __syncthreads();  // the next sample overwrites pooled and logits
  }
}

__global__ void __launch_bounds__(kPoolThreads)
head_pool_kernel(const float* __restrict__ x, int64_t rows, int64_t hw,
                 float* __restrict__ pooled) {
  const int lane = threadIdx.x % 32;
  const int64_t warps_per_block = blockDim.x / 32;
  for (int64_t row = blockIdx.x * warps_per_block + threadIdx.x / 32; row < rows;
       row += gridDim.x * warps_per_block) {
    const float mean = warp_mean(x + row * hw, hw, lane);
    if (lane == 0) pooled[row] = mean;
  }
}

/* Training A: logits, log-sum-exp, sample_loss and grad_logits of one sample per block. */
__global__ void __launch_bounds__(kBlockThreads)
head_train_logits_kernel(const float* __restrict__ pooled, const float* __restrict__ weight,
                         const float* __restrict__ bias, const int64_t* __restrict__ labels,
                         int64_t n, int c, int k, float* __restrict__ sample_loss,
                         float* __restrict__ grad_logits) {
  extern __shared__ float smem[];
  float* row = smem;         // (C) pooled[s, :]
  float* logits = smem + c;  // (K)
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  const float nan = __int_as_float(0x7fc00000);
  for (int64_t s = blockIdx.x; s < n; s += gridDim.x) {
    for (int i = threadIdx.x; i < c; i += blockDim.x) row[i] = pooled[s * c + i];
    __syncthreads();
    for (int j = warp; j < k; j += warps) {
      const double dot = warp_sum((double)warp_dot_partial(weight + (int64_t)j * c, row, c, lane));
      if (lane == 0) logits[j] = (float)((double)bias[j] + dot);
    }
    __syncthreads();
    float m = -INFINITY;
    for (int j = lane; j < k; j += 32) m = fmaxf(m, logits[j]);
    m = warp_max(m);
    float part = 0.0f;
    for (int j = lane; j < k; j += 32) part += expf(logits[j] - m);
    const double lse = (double)m + log(warp_sum((double)part));
    const int64_t label = labels[s];
    const bool valid = label >= 0 && label < k;
    if (warp == 0 && lane == 0) {
      sample_loss[s] = valid ? (float)(lse - (double)logits[label]) : nan;
    }
    float* g = grad_logits + s * k;
    const float n_f = (float)n;
    for (int j = warp * 32 + lane; j < k; j += warps * 32) {
      const float p = expf((float)((double)logits[j] - lse));
      g[j] = valid ? (p - (j == label ? 1.0f : 0.0f)) / n_f : nan;
    }
    __syncthreads();  // the next sample overwrites row and logits
  }
}

/* Training B: grad_weight[j, i] = sum_n grad_logits[n, j] * pooled[n, i]; grid (C tiles, K). */
__global__ void __launch_bounds__(kGradThreads)
head_grad_weight_kernel(const float* __restrict__ grad_logits, const float* __restrict__ pooled,
                        int64_t n, int c, int k, float* __restrict__ grad_weight) {
  for (int j = blockIdx.y; j < k; j += gridDim.y) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < c; i += gridDim.x * blockDim.x) {
      grad_weight[(int64_t)j * c + i] = batch_dot(grad_logits + j, k, pooled + i, c, n);
    }
  }
}

/* Training C, one block: grad_bias[j] = sum_n grad_logits[n, j]; loss = mean_n sample_loss[n]. */
__global__ void __launch_bounds__(kGradThreads)
head_grad_bias_loss_kernel(const float* __restrict__ grad_logits,
                           const float* __restrict__ sample_loss, int64_t n, int k,
                           float* __restrict__ grad_bias, float* __restrict__ loss) {
  for (int j = threadIdx.x; j < k; j += blockDim.x) {
    grad_bias[j] = batch_dot(grad_logits + j, k, nullptr, 0, n);
  }
  if (threadIdx.x < 32) {
    double acc = 0.0;
    for (int64_t s = threadIdx.x; s < n; s += 32) acc += (double)sample_loss[s];
    acc = warp_sum(acc);
    if (threadIdx.x == 0) *loss = (float)(acc / (double)n);
  }
}

}  // namespace

extern "C" int xfer_head_forward_cuda(const float* x, const float* weight, const float* bias,
                                      int64_t n, int64_t c, int64_t hw, int64_t k, float* probs,
                                      void* stream) {
  if (!x || !weight || !bias || !probs) return XFER_ERR_NULL_POINTER;
  if (n <= 0 || c <= 0 || hw <= 0 || k <= 0) return XFER_ERR_BAD_SHAPE;
  if (c + k > kMaxSharedFloats) return XFER_ERR_BAD_SHAPE;
  const size_t shared = sizeof(float) * (size_t)(c + k);
  head_forward_kernel<<<xfer::grid_size(n, 1), kBlockThreads, shared,
                        static_cast<cudaStream_t>(stream)>>>(x, weight, bias, n, (int)c, hw,
                                                             (int)k, probs);
  return xfer::check_launch();
}

extern "C" int xfer_head_pool_cuda(const float* x, int64_t n, int64_t c, int64_t hw,
                                   float* pooled, void* stream) {
  if (!x || !pooled) return XFER_ERR_NULL_POINTER;
  if (n <= 0 || c <= 0 || hw <= 0) return XFER_ERR_BAD_SHAPE;
  const int64_t rows = n * c;
  head_pool_kernel<<<xfer::grid_size(rows, kPoolThreads / 32), kPoolThreads, 0,
                     static_cast<cudaStream_t>(stream)>>>(x, rows, hw, pooled);
  return xfer::check_launch();
}

extern "C" int xfer_head_train_step_cuda(const float* pooled, const float* weight,
                                         const float* bias, const int64_t* labels, int64_t n,
                                         int64_t c, int64_t k, float* loss, float* sample_loss,
                                         float* grad_logits, float* grad_weight, float* grad_bias,
                                         void* stream) {
  if (!pooled || !weight || !bias || !labels || !loss || !sample_loss || !grad_logits ||
      !grad_weight || !grad_bias)
    return XFER_ERR_NULL_POINTER;
  if (n <= 0 || c <= 0 || k <= 0) return XFER_ERR_BAD_SHAPE;
  if (c + k > kMaxSharedFloats) return XFER_ERR_BAD_SHAPE;
  const cudaStream_t st = static_cast<cudaStream_t>(stream);
  const size_t shared = sizeof(float) * (size_t)(c + k);
  head_train_logits_kernel<<<xfer::grid_size(n, 1), kBlockThreads, shared, st>>>(
      pooled, weight, bias, labels, n, (int)c, (int)k, sample_loss, grad_logits);
  int status = xfer::check_launch();
  if (status != XFER_OK) return status;
  const dim3 grid_b(xfer::grid_size(c, kGradThreads), xfer::grid_size(k, 1));
  head_grad_weight_kernel<<<grid_b, kGradThreads, 0, st>>>(grad_logits, pooled, n, (int)c,
                                                           (int)k, grad_weight);
  status = xfer::check_launch();
  if (status != XFER_OK) return status;
  head_grad_bias_loss_kernel<<<1, kGradThreads, 0, st>>>(grad_logits, sample_loss, n, (int)k,
                                                         grad_bias, loss);
  return xfer::check_launch();
}
