/*
 * head, CPU: global average pool + dense + softmax (forward), pooled features, and the dense
 * layer's cross-entropy training step on pooled features. Also the reference for the CUDA kernels:
 * every sum that can grow long is added in float runs of at most 256 terms, each folded into double.
 *
 * Fused: the (N, C) pooled tensor is never written and the feature map is read exactly once, in
 * memory order. For odd square maps with C a multiple of 8 and at most 8 classes, each 8 channel
 * means feed the dense layer's accumulators at once (one stream); otherwise a block of 8 samples is
 * pooled into an (8, C) scratch and consumed at once.
 * Every row mean and every logit has one documented arithmetic (mean_f32, dot_f32) whichever SIMD
 * path computes it, so results are bit-identical across paths, batch sizes and positions
 * (native/tests/test_head_arithmetic.c checks this against a scalar statement).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "xfer/kernels.h"

/* The hot loops are compiled twice (AVX2 and baseline x86-64) and picked at load time. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define XFER_HOT __attribute__((target_clones("avx2", "default")))
#else
#define XFER_HOT
#endif
#define XFER_INLINE static inline __attribute__((always_inline))

/* Mean of `len` contiguous floats, rounded to float: 8 independent float lanes (one SIMD register)
 * over runs of at most 256 elements, the lanes added as ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)), the
 * run's tail (len % 8 elements) added in order, each run folded into a double, the total scaled by
 * 1/len. The SIMD paths below keep exactly this arithmetic, so a row's mean does not depend on the
 * path, the batch or its position in it. Within a few float ulps of the exact mean even for long
 * spatial maps. */
XFER_INLINE float mean_f32(const float* p, int64_t len) {
  double total = 0.0;
  int64_t i = 0;
  while (i < len) {
    const int64_t end = (len - i > 256) ? i + 256 : len;
    float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (; i + 8 <= end; i += 8) {
      for (int j = 0; j < 8; ++j) lane[j] += p[i + j];
    }
    float run = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    for (; i < end; ++i) run += p[i];
    total += run;
  }
  return (float)(total * (1.0 / (double)len));
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define XFER_HAVE_AVX2_PATH 1

/* Float run of one row over [begin, end): one accumulator, mean_f32's lane j = elements j, j+8, ... */
__attribute__((target("avx2"), always_inline)) static inline __m256 row_run_avx2(const float* row, int64_t begin,
                                                                                int64_t end) {
  __m256 acc = _mm256_setzero_ps();
  for (int64_t i = begin; i + 8 <= end; i += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(row + i));
  return acc;
}

/* The last element of each of 8 rows when len = 8q + 1 (every odd square map: 3x3, 7x7, 9x9, ...):
 * row k's is element 8q(k+1) + k of the block, lane k of the vector at 8q(k+1), so 8 loads that
 * hit L1 and a blend tree replace a gather (which kept the loop well below streaming speed). */
__attribute__((target("avx2"), always_inline)) static inline __m256 last_column_avx2(const float* p, int64_t q) {
  const int64_t s = 8 * q;
  const __m256 t01 = _mm256_blend_ps(_mm256_loadu_ps(p + s), _mm256_loadu_ps(p + 2 * s), 0x02);
  const __m256 t23 = _mm256_blend_ps(_mm256_loadu_ps(p + 3 * s), _mm256_loadu_ps(p + 4 * s), 0x08);
  const __m256 t45 = _mm256_blend_ps(_mm256_loadu_ps(p + 5 * s), _mm256_loadu_ps(p + 6 * s), 0x20);
  const __m256 t67 = _mm256_blend_ps(_mm256_loadu_ps(p + 7 * s), _mm256_loadu_ps(p + 8 * s), 0x80);
  return _mm256_blend_ps(_mm256_blend_ps(t01, t23, 0x0C), _mm256_blend_ps(t45, t67, 0xC0), 0xF0);
}

/* mean_f32 on 8 consecutive rows at once (AVX2). The rows are read in memory order (a plain
 * stream), one accumulator each; hadd(hadd(a0,a1), hadd(a2,a3)) then low half + high half is
 * mean_f32's lane order and leaves the eight row sums in one register; the tail elements are added
 * a column of the 8 rows at a time; the double fold, the scaling and the rounding take 4 rows per
 * instruction. A loop over 4 interleaved rows with per-row reductions and scalar tails (the lab's version 1)
 * takes 1.45-1.75x the time of a plain streaming sum of the same bytes (C harness, 2 vCPU AMD EPYC). */
__attribute__((target("avx2"))) static int64_t pool_rows8_avx2(const float* x, int64_t rows, int64_t len,
                                                               float* pooled) {
  const __m256d inv_len = _mm256_set1_pd(1.0 / (double)len);
  const __m256i column = _mm256_mullo_epi32(_mm256_set1_epi32((int)len), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  const int one_tail_element = (len % 8 == 1);
  int64_t r = 0;
  for (; r + 8 <= rows; r += 8) {
    const float* p = x + r * len;
    __m256d total_lo = _mm256_setzero_pd(), total_hi = total_lo;
    int64_t begin = 0;
    while (begin < len) {
      const int64_t end = (len - begin > 256) ? begin + 256 : len;
      const __m256 a0 = row_run_avx2(p, begin, end), a1 = row_run_avx2(p + len, begin, end);
      const __m256 a2 = row_run_avx2(p + 2 * len, begin, end), a3 = row_run_avx2(p + 3 * len, begin, end);
      const __m256 a4 = row_run_avx2(p + 4 * len, begin, end), a5 = row_run_avx2(p + 5 * len, begin, end);
      const __m256 a6 = row_run_avx2(p + 6 * len, begin, end), a7 = row_run_avx2(p + 7 * len, begin, end);
      const __m256 h03 = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
      const __m256 h47 = _mm256_hadd_ps(_mm256_hadd_ps(a4, a5), _mm256_hadd_ps(a6, a7));
      __m256 run = _mm256_add_ps(_mm256_permute2f128_ps(h03, h47, 0x20), _mm256_permute2f128_ps(h03, h47, 0x31));
      int64_t i = begin + (end - begin) / 8 * 8;
      if (one_tail_element && end == len) {
        run = _mm256_add_ps(run, last_column_avx2(p, len / 8));
      } else {
        for (; i < end; ++i) run = _mm256_add_ps(run, _mm256_i32gather_ps(p + i, column, 4));
      }
      total_lo = _mm256_add_pd(total_lo, _mm256_cvtps_pd(_mm256_castps256_ps128(run)));
      total_hi = _mm256_add_pd(total_hi, _mm256_cvtps_pd(_mm256_extractf128_ps(run, 1)));
      begin = end;
    }
    const __m128 lo = _mm256_cvtpd_ps(_mm256_mul_pd(total_lo, inv_len));
    const __m128 hi = _mm256_cvtpd_ps(_mm256_mul_pd(total_hi, inv_len));
    _mm256_storeu_ps(pooled + r, _mm256_set_m128(hi, lo));
  }
  return r;
}

/* The odd square maps with unrolled paths, as X(len, q) with len = 8q + 1: 1x1 (already pooled), 3x3, 5x5,
 * 7x7, 9x9, 11x11, 13x13, 15x15. One list for the pooling and the one-stream forward. */
#define XFER_ODD_SQUARES(X) X(1, 0) X(9, 1) X(25, 3) X(49, 6) X(81, 10) X(121, 15) X(169, 21) X(225, 28)

/* mean_f32 of the 8 consecutive rows at p, each of len = 8q + 1 (one run) with q a compile-time
 * constant, so that every loop unrolls into straight-line loads at fixed offsets. */
__attribute__((target("avx2"), always_inline)) static inline __m256 mean_rows8_odd_square_avx2(
    const float* p, const int q, const __m256d inv_len) {
  const int64_t len = 8 * q + 1;
  __m256 a[8];
#pragma GCC unroll 8
  for (int k = 0; k < 8; ++k) {
    __m256 acc = _mm256_setzero_ps();
#pragma GCC unroll 32
    for (int i = 0; i < 8 * q; i += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(p + k * len + i));
    a[k] = acc;
  }
  const __m256 h03 = _mm256_hadd_ps(_mm256_hadd_ps(a[0], a[1]), _mm256_hadd_ps(a[2], a[3]));
  const __m256 h47 = _mm256_hadd_ps(_mm256_hadd_ps(a[4], a[5]), _mm256_hadd_ps(a[6], a[7]));
  const __m256 run = _mm256_add_ps(
      _mm256_add_ps(_mm256_permute2f128_ps(h03, h47, 0x20), _mm256_permute2f128_ps(h03, h47, 0x31)),
      last_column_avx2(p, q));
  const __m128 lo = _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(run)), inv_len));
  const __m128 hi = _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(run, 1)), inv_len));
  return _mm256_set_m128(hi, lo);
}

/* pool_rows8_avx2 for odd square maps. On the (32, 2048, 7, 7) map this takes 1.1-1.35x the time
 * of a plain streaming sum (C harness, interleaved); the generic loop's bookkeeping was up to 1.4x
 * slower than this. */
__attribute__((target("avx2"), always_inline)) static inline int64_t pool_rows8_odd_square_avx2(
    const float* x, int64_t rows, const int q, float* pooled) {
  const int64_t len = 8 * q + 1;
  const __m256d inv_len = _mm256_set1_pd(1.0 / (double)len);
  int64_t r = 0;
  for (; r + 8 <= rows; r += 8) _mm256_storeu_ps(pooled + r, mean_rows8_odd_square_avx2(x + r * len, q, inv_len));
  return r;
}

/* Means of all rows: 8 at a time (unrolled for the odd square maps 1x1 to 15x15; the generic
 * loop's gather needs 7 * len to fit in int32), the rest one by one. */
__attribute__((target("avx2"))) static void pool_rows_avx2(const float* x, int64_t rows, int64_t len,
                                                           float* pooled) {
  int64_t r;
  switch (len) {
#define XFER_POOL_CASE(LEN, Q) \
  case LEN: r = pool_rows8_odd_square_avx2(x, rows, Q, pooled); break;
    XFER_ODD_SQUARES(XFER_POOL_CASE) /* LEN 1: already pooled, a copy */
#undef XFER_POOL_CASE
    default: r = (7 * len <= INT32_MAX) ? pool_rows8_avx2(x, rows, len, pooled) : 0;
  }
  for (; r < rows; ++r) pooled[r] = mean_f32(x + r * len, len);
}
#endif

/* Means of `rows` consecutive rows of `len` floats, rounded to float. */
static void pool_rows(const float* x, int64_t rows, int64_t len, float* pooled) {
#ifdef XFER_HAVE_AVX2_PATH
  if (__builtin_cpu_supports("avx2")) {
    pool_rows_avx2(x, rows, len, pooled);
    return;
  }
#endif
  for (int64_t r = 0; r < rows; ++r) pooled[r] = mean_f32(x + r * len, len);
}

/* Dot product of two float vectors: 8 float lanes over runs of at most 256 elements, each run
 * folded into double (the pooling's rule). Float products vectorise fully: 3.8x faster than the
 * first version's double-lane dot, which made the dense layer a fifth of the fused forward. */
XFER_INLINE double dot_f32(const float* w, const float* v, int64_t len) {
  double total = 0.0;
  int64_t i = 0;
  while (i < len) {
    const int64_t end = (len - i > 256) ? i + 256 : len;
    float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (; i + 8 <= end; i += 8) {
      for (int j = 0; j < 8; ++j) lane[j] += w[i + j] * v[i + j];
    }
    float run = ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
    for (; i < end; ++i) run += w[i] * v[i];
    total += run;
  }
  return total;
}

#ifdef XFER_HAVE_AVX2_PATH
/* dot_f32's lane reduction, ((l0+l4)+(l2+l6))+((l1+l5)+(l3+l7)), on one register. */
__attribute__((target("avx2"))) static inline float lane_sum(__m256 lanes) {
  const __m128 s = _mm_add_ps(_mm256_castps256_ps128(lanes), _mm256_extractf128_ps(lanes, 1));
  const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}

/* One tile of the dense layer over one run of channels [begin, end): `samples` pooled vectors (rows
 * of C floats) against `rows` weight rows (both compile-time constants at each call, samples x rows
 * <= 8), each of the tile's logits with dot_f32's arithmetic for that run (8 lanes of products, then
 * the run's tail in order), added to its double total. Pooled and weight rows have their own strides. Each loaded pooled vector feeds `rows`
 * accumulators and each loaded weight vector `samples`: with one sample and 8 rows a tile needs 9
 * loads per 8 products, with 4 x 2 only 6, and the weights' run is reused by every sample. */
__attribute__((target("avx2"), always_inline)) static inline void dense_tile_avx2(
    const float* pooled, int64_t pooled_stride, const float* weight, int64_t weight_stride, int64_t len,
    const int samples, const int rows, double* totals, int64_t k) {
  __m256 acc[8];
#pragma GCC unroll 8
  for (int t = 0; t < samples * rows; ++t) acc[t] = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= len; i += 8) {
    __m256 x[4];
#pragma GCC unroll 4
    for (int s = 0; s < samples; ++s) x[s] = _mm256_loadu_ps(pooled + s * pooled_stride + i);
#pragma GCC unroll 8
    for (int q = 0; q < rows; ++q) {
      const __m256 w = _mm256_loadu_ps(weight + q * weight_stride + i);
#pragma GCC unroll 4
      for (int s = 0; s < samples; ++s) acc[s * rows + q] = _mm256_add_ps(acc[s * rows + q], _mm256_mul_ps(w, x[s]));
    }
  }
  for (int s = 0; s < samples; ++s) {
    for (int q = 0; q < rows; ++q) {
      float run = lane_sum(acc[s * rows + q]);
      for (int64_t t = i; t < len; ++t) run += weight[q * weight_stride + t] * pooled[s * pooled_stride + t];
      totals[s * k + q] += run;
    }
  }
}

/* dense_tile_avx2 with its shape as constants: 1 sample x 1-8 rows, 2 x 1-4, 3 x 1-2, 4 x 1-2. */
__attribute__((target("avx2"))) static void dense_tile_any_avx2(const float* pooled, int64_t pooled_stride,
                                                                const float* weight, int64_t weight_stride,
                                                                int64_t len, int samples, int rows, double* totals,
                                                                int64_t k) {
#define XFER_TILE(S, R) \
  case (S) * 16 + (R): dense_tile_avx2(pooled, pooled_stride, weight, weight_stride, len, S, R, totals, k); return;
  switch (samples * 16 + rows) {
    XFER_TILE(1, 1) XFER_TILE(1, 2) XFER_TILE(1, 3) XFER_TILE(1, 4)
    XFER_TILE(1, 5) XFER_TILE(1, 6) XFER_TILE(1, 7) XFER_TILE(1, 8)
    XFER_TILE(2, 1) XFER_TILE(2, 2) XFER_TILE(2, 3) XFER_TILE(2, 4)
    XFER_TILE(3, 1) XFER_TILE(3, 2) XFER_TILE(4, 1) XFER_TILE(4, 2)
    default: return; /* not reached: the caller keeps samples x rows within the list */
  }
#undef XFER_TILE
}

/* The weight rows a tile of `samples` pooled vectors takes at once (8 accumulators in all). */
static int tile_rows(int samples) {
  return samples == 1 ? 8 : samples == 2 ? 4 : 2;
}

/* Floats between consecutive samples in the packed copy of a run: 256 + 16, so that the samples'
 * runs do not all fall on the same L1 sets (C = 2048 puts every row 8 KB apart, a multiple of the
 * 4 KB set stride: 32 samples' runs and the weight rows then fought over 8 ways and every load came
 * from L2 or further). */
#define XFER_PACKED_STRIDE 272
/* Weight rows per block: 64 runs of 1 KB, kept in L2 while every sample passes over them. */
#define XFER_DENSE_ROW_BLOCK 64

/* All K logits of `samples` pooled vectors (rows of C floats), GEMM-style: run by run of 256
 * channels (the arithmetic's runs, so each logit's runs are added in order); the pooled run of
 * every sample is copied to a packed buffer, then for each block of 64 weight rows, each tile of
 * 4 samples (4 KB, in L1) passes over the block's rows 2 at a time. The weights come from memory
 * once per call. K = 1000, C = 2048, 32 samples, forward in the lab, three A/B runs: 11.0 / 8.1 /
 * 7.3 ms with one sample and 8 rows per pass, 9.6 / 6.3 / 6.6 ms now; LibTorch's linear, with FMA,
 * is still faster there (one multiply-add per product where this arithmetic has two). Returns 0
 * when the packed buffer cannot be allocated. */
__attribute__((target("avx2"))) static int dense_logits_avx2(const float* pooled, int64_t samples,
                                                             const float* weight, const float* bias,
                                                             int64_t c, int64_t k, double* logits) {
  float* packed = aligned_alloc(64, sizeof(float) * (size_t)(samples * XFER_PACKED_STRIDE));
  if (!packed) return 0;
  for (int64_t t = 0; t < samples * k; ++t) logits[t] = 0.0;
  const int64_t quads = samples / 4 * 4;
  const int left = (int)(samples - quads);
  for (int64_t begin = 0; begin < c; begin += 256) {
    const int64_t len = (c - begin > 256) ? 256 : c - begin;
    for (int64_t s = 0; s < samples; ++s) {
      for (int64_t i = 0; i < len; ++i) packed[s * XFER_PACKED_STRIDE + i] = pooled[s * c + begin + i];
    }
    for (int64_t j0 = 0; j0 < k; j0 += XFER_DENSE_ROW_BLOCK) {
      const int64_t j1 = (k - j0 > XFER_DENSE_ROW_BLOCK) ? j0 + XFER_DENSE_ROW_BLOCK : k;
      for (int64_t s = 0; s < quads; s += 4) {
        for (int64_t j = j0; j < j1; j += 2) {
          const int rows = (int)(j1 - j < 2 ? j1 - j : 2);
          dense_tile_any_avx2(packed + s * XFER_PACKED_STRIDE, XFER_PACKED_STRIDE, weight + j * c + begin, c, len,
                              4, rows, logits + s * k + j, k);
        }
      }
      if (left > 0) {
        const int step = tile_rows(left);
        for (int64_t j = j0; j < j1; j += step) {
          const int rows = (int)(j1 - j < step ? j1 - j : step);
          dense_tile_any_avx2(packed + quads * XFER_PACKED_STRIDE, XFER_PACKED_STRIDE, weight + j * c + begin, c,
                              len, left, rows, logits + quads * k + j, k);
        }
      }
    }
  }
  for (int64_t s = 0; s < samples; ++s) {
    for (int64_t j = 0; j < k; ++j) logits[s * k + j] = bias[j] + logits[s * k + j];
  }
  free(packed);
  return 1;
}

static void softmax_from_logits(const double* logits, int64_t k, float* probs);

/* The whole forward in one stream, for odd square maps, C a multiple of 8 and at most 8 classes
 * (fine-tuning heads): every block of 8 rows is 8 channels of one sample, so its means go straight
 * into the dense layer's accumulators (dense_tile_avx2's lane j holds channels j, j+8, ...; the
 * same runs of 256 channels folded into double), bit-identical to pooling then dense_logits. No
 * pooled scratch and no pause in the read of the map for a separate dense pass: on the (32, 2048,
 * 7, 7) map the blocked forward took 1.3x the pooling alone, this one takes about as long as it. */
__attribute__((target("avx2"), always_inline)) static inline void forward_odd_square_few_classes_avx2(
    const float* x, const float* weight, const float* bias, int64_t n, int64_t c, const int q, int64_t k,
    float* probs) {
  const int64_t len = 8 * q + 1;
  const __m256d inv_len = _mm256_set1_pd(1.0 / (double)len);
  for (int64_t s = 0; s < n; ++s) {
    double logits[8];
    for (int j = 0; j < k; ++j) logits[j] = 0.0;
    for (int64_t begin = 0; begin < c; begin += 256) {
      const int64_t end = (c - begin > 256) ? begin + 256 : c;
      __m256 acc[8];
#pragma GCC unroll 8
      for (int j = 0; j < 8; ++j) acc[j] = _mm256_setzero_ps();
      for (int64_t ch = begin; ch < end; ch += 8) {
        const __m256 means = mean_rows8_odd_square_avx2(x + (s * c + ch) * len, q, inv_len);
#pragma GCC unroll 8
        for (int j = 0; j < 8; ++j) {
          if (j < k) acc[j] = _mm256_add_ps(acc[j], _mm256_mul_ps(_mm256_loadu_ps(weight + j * c + ch), means));
        }
      }
      for (int j = 0; j < k; ++j) logits[j] += lane_sum(acc[j]);
    }
    for (int j = 0; j < k; ++j) logits[j] = bias[j] + logits[j];
    softmax_from_logits(logits, k, probs + s * k);
  }
}

/* forward_odd_square_few_classes_avx2 where it applies; returns whether it ran. */
__attribute__((target("avx2"))) static int forward_one_stream_avx2(const float* x, const float* weight,
                                                                   const float* bias, int64_t n, int64_t c,
                                                                   int64_t hw, int64_t k, float* probs) {
  if (k > 8 || c % 8 != 0) return 0;
  switch (hw) {
#define XFER_FORWARD_CASE(LEN, Q) \
  case LEN: forward_odd_square_few_classes_avx2(x, weight, bias, n, c, Q, k, probs); return 1;
    XFER_ODD_SQUARES(XFER_FORWARD_CASE)
#undef XFER_FORWARD_CASE
    default: return 0;
  }
}
#endif

/* logits[s, j] = bias[j] + weight[j,:] . pooled[s,:] for `samples` rows of pooled features. */
static void dense_logits(const float* pooled, int64_t samples, const float* weight, const float* bias,
                         int64_t c, int64_t k, double* logits) {
#ifdef XFER_HAVE_AVX2_PATH
  /* without its packed buffer (no memory) the scalar loop below gives the same bits */
  if (__builtin_cpu_supports("avx2") && dense_logits_avx2(pooled, samples, weight, bias, c, k, logits)) return;
#endif
  for (int64_t s = 0; s < samples; ++s) {
    for (int64_t j = 0; j < k; ++j) logits[s * k + j] = bias[j] + dot_f32(weight + j * c, pooled + s * c, c);
  }
}

/* log(sum_j exp(logits[j])), shifted by the largest logit. */
static double logsumexp(const double* logits, int64_t k) {
  double max_logit = -INFINITY;
  for (int64_t j = 0; j < k; ++j) {
    if (logits[j] > max_logit) max_logit = logits[j];
  }
  double denom = 0.0;
  for (int64_t j = 0; j < k; ++j) denom += exp(logits[j] - max_logit);
  return max_logit + log(denom);
}

/* Softmax probabilities of one sample's K logits, rounded to float. */
static void softmax_from_logits(const double* logits, int64_t k, float* probs) {
  const double lse = logsumexp(logits, k);
  for (int64_t j = 0; j < k; ++j) probs[j] = (float)exp(logits[j] - lse);
}

XFER_HOT
int xfer_head_pool_cpu(const float* x, int64_t n, int64_t c, int64_t hw, float* pooled) {
  if (!x || !pooled) return XFER_ERR_NULL_POINTER;
  if (n <= 0 || c <= 0 || hw <= 0) return XFER_ERR_BAD_SHAPE;
  pool_rows(x, n * c, hw, pooled);
  return XFER_OK;
}

/* Samples pooled before their dense layer runs (the forwards that do not take the one-stream
 * path): 32 x 2048 channels is 256 KB of scratch, which stays in L2, and the weights are read from
 * memory once per 32 samples (8 MB at K = 1000). */
#define XFER_FORWARD_SAMPLE_BLOCK 32

XFER_HOT
int xfer_head_forward_cpu(const float* x, const float* weight, const float* bias, int64_t n,
                          int64_t c, int64_t hw, int64_t k, float* probs) {
  if (!x || !weight || !bias || !probs) return XFER_ERR_NULL_POINTER;
  if (n <= 0 || c <= 0 || hw <= 0 || k <= 0) return XFER_ERR_BAD_SHAPE;
#ifdef XFER_HAVE_AVX2_PATH
  if (__builtin_cpu_supports("avx2") && forward_one_stream_avx2(x, weight, bias, n, c, hw, k, probs)) return XFER_OK;
#endif
  /* scratch: the pooled features and logits of a block of samples, consumed at once */
  const int64_t block = n < XFER_FORWARD_SAMPLE_BLOCK ? n : XFER_FORWARD_SAMPLE_BLOCK;
  double* logits = malloc(sizeof(double) * (size_t)(block * k) + sizeof(float) * (size_t)(block * c));
  if (!logits) return XFER_ERR_OUT_OF_MEMORY;
  float* pooled = (float*)(logits + block * k);
  for (int64_t s0 = 0; s0 < n; s0 += block) {
    const int64_t samples = n - s0 < block ? n - s0 : block;
    pool_rows(x + s0 * c * hw, samples * c, hw, pooled);
    dense_logits(pooled, samples, weight, bias, c, k, logits);
    for (int64_t s = 0; s < samples; ++s) softmax_from_logits(logits + s * k, k, probs + (s0 + s) * k);
  }
  free(logits);
  return XFER_OK;
}

XFER_HOT
int xfer_head_train_step_cpu(const float* pooled, const float* weight, const float* bias,
                             const int64_t* labels, int64_t n, int64_t c, int64_t k, float* loss,
                             float* sample_loss, float* grad_logits, float* grad_weight,
                             float* grad_bias) {
  if (!pooled || !weight || !bias || !labels || !loss || !sample_loss || !grad_logits ||
      !grad_weight || !grad_bias)
    return XFER_ERR_NULL_POINTER;
  if (n <= 0 || c <= 0 || k <= 0) return XFER_ERR_BAD_SHAPE;
  for (int64_t s = 0; s < n; ++s) {
    if (labels[s] < 0 || labels[s] >= k) return XFER_ERR_BAD_LABEL;
  }
  /* scratch: one sample's logits, then the (K, C) and (K) gradient sums */
  double* scratch = malloc(sizeof(double) * (size_t)(k + k * c + k));
  if (!scratch) return XFER_ERR_OUT_OF_MEMORY;
  double* logits = scratch;
  double* gw = logits + k;
  double* gb = gw + k * c;
  for (int64_t i = 0; i < k * c + k; ++i) gw[i] = 0.0;

  double total = 0.0;
  const double inv_n = 1.0 / (double)n;
  for (int64_t s = 0; s < n; ++s) {
    const float* row = pooled + s * c;
    dense_logits(row, 1, weight, bias, c, k, logits);
    const double lse = logsumexp(logits, k);
    const double ce = lse - logits[labels[s]];
    sample_loss[s] = (float)ce;
    total += ce;
    for (int64_t j = 0; j < k; ++j) {
      const double g = (exp(logits[j] - lse) - (j == labels[s] ? 1.0 : 0.0)) * inv_n;
      grad_logits[s * k + j] = (float)g;
      gb[j] += g;
      double* gwj = gw + j * c;
      for (int64_t i = 0; i < c; ++i) gwj[i] += g * row[i];
    }
  }
  *loss = (float)(total * inv_n);
  for (int64_t i = 0; i < k * c; ++i) grad_weight[i] = (float)gw[i];
  for (int64_t j = 0; j < k; ++j) grad_bias[j] = (float)gb[j];
  free(scratch);
  return XFER_OK;
}
