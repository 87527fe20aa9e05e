/*
 * The backward pass of a 3x3 depthwise convolution (stride 1, padding 1: TF's 'same'), channels-last,
 * in one pass: the input gradient and the weight gradient together.
 *
 * oneDNN computes them as two primitives, each reading the output gradient (and the weight gradient
 * the input as well); here each output-gradient row is read once per input row that needs it, and each
 * input value once. Per input row and block of 16 channels the 9 weights and the 9 weight-gradient sums
 * stay in registers while the row is walked; each team member sums its own copy of the weight gradient,
 * and the copies are added in member order at the end (a fixed order for a given thread count).
 * Accumulation is in float32 with fused multiply-adds; bfloat16 tensors are widened on load and the
 * input gradient is rounded to nearest even on store.
 *
 * AVX-512 (F, BW, VL) only: xfer_depthwise3x3_backward_cpu returns XFER_ERR_UNSUPPORTED elsewhere, and
 * the caller keeps LibTorch's kernels.
 */
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_team.h"
#include "xfer/kernels.h"

#define DW_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))

typedef struct {
  const void* input;
  const void* grad_output;
  const float* weight; /* (3, 3, C) */
  void* grad_input;    /* or NULL */
  float* partials;     /* (members, 3, 3, C), or NULL when no weight gradient is wanted */
  int64_t n, h, w, c;
  int bf16;
  int* failed; /* (members): set by a member whose scratch allocation failed */
} dw_job;

DW_TARGET static inline __mmask16 channel_mask(int64_t c, int64_t ch) {
  return c - ch >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (c - ch)) - 1);
}

DW_TARGET static inline __m512 load(const void* base, int64_t at, __mmask16 m, int bf16) {
  if (bf16) {
    const __m256i raw = _mm256_maskz_loadu_epi16(m, (const uint16_t*)base + at);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(raw), 16));
  }
  return _mm512_maskz_loadu_ps(m, (const float*)base + at);
}

/* Round to nearest even, as LibTorch converts float to bfloat16; NaN stays a quiet NaN. */
DW_TARGET static inline void store(void* base, int64_t at, __mmask16 m, __m512 v, int bf16) {
  if (!bf16) {
    _mm512_mask_storeu_ps((float*)base + at, m, v);
    return;
  }
  const __m512i bits = _mm512_castps_si512(v);
  const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
  __m512i rounded = _mm512_srli_epi32(_mm512_add_epi32(bits, _mm512_add_epi32(_mm512_set1_epi32(0x7FFF), lsb)), 16);
  rounded = _mm512_mask_mov_epi32(rounded, _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), _mm512_set1_epi32(0x7FC0));
  _mm256_mask_storeu_epi16((uint16_t*)base + at, m, _mm512_cvtepi32_epi16(rounded));
}

/* One tap (i, j): output-gradient row i (float32) at column x - j + 1 meets weight (i, j). */
#define TAP(i, j)                                                                   \
  do {                                                                              \
    const __m512 g = _mm512_maskz_loadu_ps(m, gy##i + (x - (j) + 1) * c + ch);     \
    acc = _mm512_fmadd_ps(g, k##i##j, acc);                                         \
    s##i##j = _mm512_fmadd_ps(xv, g, s##i##j);                                      \
  } while (0)
#define ROW_TAPS(i)                       \
  do {                                    \
    if (next_column) TAP(i, 0);                  \
    TAP(i, 1);                            \
    if (previous_column) TAP(i, 2);                 \
  } while (0)

/* A bfloat16 output-gradient row widened to float32 once, for the three input rows that read it: three
 * slots, row r in slot r % 3 (an input row needs rows r - 1, r and r + 1, which never share a slot). */
typedef struct {
  float* slot[3];
  int64_t held[3]; /* the row in each slot, -1 for none */
} widened_rows;

DW_TARGET static const float* widened(widened_rows* rows, const uint16_t* grad_output, int64_t row, int64_t len) {
  const int s = (int)(row % 3);
  if (rows->held[s] != row) {
    const uint16_t* from = grad_output + row * len;
    float* to = rows->slot[s];
    for (int64_t i = 0; i < len; i += 16) {
      const __mmask16 m = len - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (len - i)) - 1);
      _mm512_mask_storeu_ps(to + i, m, load(from, i, m, 1));
    }
    rows->held[s] = row;
  }
  return rows->slot[s];
}

/* Input rows [first, last) (row r = image r / H, line r % H) of one member; `widen` (bf16 only) holds the
 * member's widened output-gradient rows. */
DW_TARGET static inline void backward_rows(const dw_job* job, int64_t first, int64_t last, float* sums,
                                           widened_rows* widen, const int bf16) {
  const int64_t h = job->h, w = job->w, c = job->c, len = w * c;
  const size_t elem = bf16 ? 2 : 4;
  for (int64_t r = first; r < last; r++) {
    const int64_t line = r % h;
    /* output-gradient rows line+1, line, line-1 meet weight rows 0, 1, 2; NULL past the edge */
    const float *gy0 = NULL, *gy1, *gy2 = NULL;
    if (bf16) {
      const uint16_t* all = (const uint16_t*)job->grad_output;
      if (line + 1 < h) gy0 = widened(widen, all, r + 1, len);
      gy1 = widened(widen, all, r, len);
      if (line > 0) gy2 = widened(widen, all, r - 1, len);
    } else {
      const float* all = (const float*)job->grad_output;
      if (line + 1 < h) gy0 = all + (r + 1) * len;
      gy1 = all + r * len;
      if (line > 0) gy2 = all + (r - 1) * len;
    }
    const void* in = (const char*)job->input + (size_t)(r * len) * elem;
    void* out = job->grad_input ? (char*)job->grad_input + (size_t)(r * len) * elem : NULL;
    for (int64_t ch = 0; ch < c; ch += 16) {
      const __mmask16 m = channel_mask(c, ch);
      const float* kw = job->weight + ch;
      const __m512 k00 = _mm512_maskz_loadu_ps(m, kw), k01 = _mm512_maskz_loadu_ps(m, kw + c),
                   k02 = _mm512_maskz_loadu_ps(m, kw + 2 * c), k10 = _mm512_maskz_loadu_ps(m, kw + 3 * c),
                   k11 = _mm512_maskz_loadu_ps(m, kw + 4 * c), k12 = _mm512_maskz_loadu_ps(m, kw + 5 * c),
                   k20 = _mm512_maskz_loadu_ps(m, kw + 6 * c), k21 = _mm512_maskz_loadu_ps(m, kw + 7 * c),
                   k22 = _mm512_maskz_loadu_ps(m, kw + 8 * c);
      __m512 s00 = _mm512_setzero_ps(), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00, s20 = s00,
             s21 = s00, s22 = s00;
      for (int64_t x = 0; x < w; x++) {
        const int next_column = x + 1 < w, previous_column = x > 0; /* output columns x+1 (j = 0), x-1 (j = 2) */
        const __m512 xv = load(in, x * c + ch, m, bf16);
        __m512 acc = _mm512_setzero_ps();
        if (gy0) ROW_TAPS(0);
        ROW_TAPS(1);
        if (gy2) ROW_TAPS(2);
        if (out) store(out, x * c + ch, m, acc, bf16);
      }
      if (sums) {
        float* sw = sums + ch;
        const __m512 add[9] = {s00, s01, s02, s10, s11, s12, s20, s21, s22};
        for (int t = 0; t < 9; t++)
          _mm512_mask_storeu_ps(sw + t * c, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, sw + t * c), add[t]));
      }
    }
  }
}

/* One team member: its even share of the input rows; bf16 first allocates its three widened rows. */
DW_TARGET static void team_member(int member, int members, void* arg) {
  const dw_job* job = (const dw_job*)arg;
  const int64_t rows = job->n * job->h, first = rows * member / members, last = rows * (member + 1) / members;
  float* sums = job->partials ? job->partials + (size_t)member * 9 * job->c : NULL;
  if (!job->bf16) {
    backward_rows(job, first, last, sums, NULL, 0);
    return;
  }
  const int64_t len = job->w * job->c;
  float* scratch = malloc(sizeof(float) * 3 * (size_t)len);
  if (!scratch) {
    job->failed[member] = 1;
    return;
  }
  widened_rows widen = {{scratch, scratch + len, scratch + 2 * len}, {-1, -1, -1}};
  backward_rows(job, first, last, sums, &widen, 1);
  free(scratch);
}

int xfer_depthwise3x3_cpu_supported(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl");
}

int xfer_depthwise3x3_backward_cpu(int dtype, const void* input, const void* grad_output, const float* weight,
                                   int64_t n, int64_t h, int64_t w, int64_t c, void* grad_input,
                                   float* grad_weight, int threads) {
  if (dtype != XFER_DTYPE_FLOAT32 && dtype != XFER_DTYPE_BFLOAT16) return XFER_ERR_BAD_SHAPE;
  if (n < 1 || h < 1 || w < 1 || c < 1 || threads < 1) return XFER_ERR_BAD_SHAPE;
  if (!input || !grad_output || !weight || (!grad_input && !grad_weight)) return XFER_ERR_NULL_POINTER;
  if (!xfer_depthwise3x3_cpu_supported()) return XFER_ERR_UNSUPPORTED;
  if (threads > n * h) threads = (int)(n * h);
  float* partials = NULL;
  if (grad_weight) {
    partials = calloc((size_t)threads * 9 * (size_t)c, sizeof(float));
    if (!partials) return XFER_ERR_OUT_OF_MEMORY;
  }
  int* failed = calloc((size_t)threads, sizeof(int));
  if (!failed) {
    free(partials);
    return XFER_ERR_OUT_OF_MEMORY;
  }
  dw_job job = {input, grad_output, weight, grad_input, partials, n, h, w, c, dtype == XFER_DTYPE_BFLOAT16, failed};
  xfer_team_run(threads, team_member, &job);
  int any_failed = 0;
  for (int k = 0; k < threads; k++) any_failed |= failed[k];
  free(failed);
  if (any_failed) {
    free(partials);
    return XFER_ERR_OUT_OF_MEMORY;
  }
  if (grad_weight) {
    /* a team smaller than asked leaves its missing members' copies at zero */
    memcpy(grad_weight, partials, sizeof(float) * 9 * (size_t)c);
    for (int k = 1; k < threads; k++) {
      const float* p = partials + (size_t)k * 9 * c;
      for (int64_t t = 0; t < 9 * c; t++) grad_weight[t] += p[t];
    }
    free(partials);
  }
  return XFER_OK;
}
