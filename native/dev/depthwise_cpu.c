/*
 * Kernel lab, CPU: Xception's depthwise 3x3 convolution (stride 1, 'same' padding, channels-last
 * float32, batch 8) written for AVX-512, against the floor of its memory traffic. It answers one
 * question: how much of the training step a depthwise kernel of our own could take back from
 * oneDNN's (whose per-shape times come from ONEDNN_VERBOSE=profile_exec, see benchmarks/RESULTS.md).
 *
 *   version 1  forward: per output pixel, 16 channels at a time, the 9 taps accumulated in one
 *              register (fused multiply-add), masked loads for the channel tail (728 = 45 x 16 + 8)
 *              backward: the input gradient and the weight gradient in one pass over the rows (the
 *              input gradient is the forward with the kernel flipped; each thread sums its own copy
 *              of the 9 x C weight gradient, added up at the end)
 *   version 2  the library's xfer_depthwise3x3_backward_cpu (native/src/depthwise_cpu.c): per input row
 *              and block of 16 channels, the 9 weights and 9 weight-gradient sums held in registers
 *              along the row; float32, and bfloat16 (inputs rounded to bf16 first, half the bytes)
 *   floor      forward: one streaming pass that reads the input and writes the output;
 *              backward: one that reads the input and the output gradient and writes the input
 *              gradient (the compulsory traffic of the fused backward)
 *
 *   xfer_lab_depthwise_cpu [THREADS [REPEATS]]      default 2 21
 *
 * Validation first, at every shape: versions 1 and 2 (float32) against a scalar reference that accumulates
 * in double (|got - ref| <= 1e-5 + 1e-5 |ref|); the library's bf16 pass is validated by ctest and the Java
 * tests. Then each shape timed (best and median of REPEATS, the versions
 * alternating), and the totals of one training step, each shape counted as often as the network has it.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "xfer/kernels.h"

typedef struct {
  int channels, side, count; /* count: how many of this shape one forward pass has */
} dw_shape;

/* Xception at 224 px: entry flow, 26 at 728@14 (middle flow and the exit block), exit flow. */
static const dw_shape kXception224[] = {{64, 109, 1},  {128, 109, 1}, {128, 55, 1}, {256, 55, 1}, {256, 28, 1},
                                        {728, 28, 1},  {728, 14, 26}, {1024, 7, 1}, {1536, 7, 1}};
enum { kBatch = 8, kShapes = sizeof kXception224 / sizeof kXception224[0] };

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* ---- reference: x (N, H, W, C), kernel (3, 3, C), double accumulation --------------------------- */
static void reference_forward(const float* x, const float* k, int n, int s, int c, float* y) {
  for (int b = 0; b < n; ++b)
    for (int h = 0; h < s; ++h)
      for (int w = 0; w < s; ++w)
        for (int ch = 0; ch < c; ++ch) {
          double sum = 0;
          for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) {
              const int hh = h + i - 1, ww = w + j - 1;
              if (hh < 0 || hh >= s || ww < 0 || ww >= s) continue;
              sum += (double)x[(((size_t)b * s + hh) * s + ww) * c + ch] * k[(i * 3 + j) * c + ch];
            }
          y[(((size_t)b * s + h) * s + w) * c + ch] = (float)sum;
        }
}

static void reference_backward(const float* x, const float* k, const float* gy, int n, int s, int c, float* gx,
                               float* gk) {
  double* gk_sum = calloc((size_t)9 * c, sizeof(double));
  for (int b = 0; b < n; ++b)
    for (int h = 0; h < s; ++h)
      for (int w = 0; w < s; ++w)
        for (int ch = 0; ch < c; ++ch) {
          const size_t at = (((size_t)b * s + h) * s + w) * c + ch;
          double sum = 0;
          for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) {
              const int hh = h - i + 1, ww = w - j + 1; /* the output pixels this input reaches */
              if (hh >= 0 && hh < s && ww >= 0 && ww < s)
                sum += (double)gy[(((size_t)b * s + hh) * s + ww) * c + ch] * k[(i * 3 + j) * c + ch];
              const int xh = h + i - 1, xw = w + j - 1; /* the inputs this output pixel read */
              if (xh >= 0 && xh < s && xw >= 0 && xw < s)
                gk_sum[(i * 3 + j) * c + ch] += (double)x[(((size_t)b * s + xh) * s + xw) * c + ch] * gy[at];
            }
          gx[at] = (float)sum;
        }
  for (int i = 0; i < 9 * c; ++i) gk[i] = (float)gk_sum[i];
  free(gk_sum);
}

/* ---- version 1 ---------------------------------------------------------------------------------- */
__attribute__((target("avx512f"))) static inline __mmask16 tail_mask(int c, int ch) {
  return c - ch >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (c - ch)) - 1);
}

__attribute__((target("avx512f"))) static void forward_v1(const float* x, const float* k, int n, int s, int c,
                                                           float* y) {
#pragma omp parallel for collapse(2) schedule(static)
  for (int b = 0; b < n; ++b)
    for (int h = 0; h < s; ++h) {
      const float* rows[3];
      for (int i = 0; i < 3; ++i) {
        const int hh = h + i - 1;
        rows[i] = (hh < 0 || hh >= s) ? NULL : x + ((size_t)b * s + hh) * s * c;
      }
      float* out = y + ((size_t)b * s + h) * s * c;
      for (int w = 0; w < s; ++w) {
        const int j0 = w == 0 ? 1 : 0, j1 = w == s - 1 ? 1 : 2;
        for (int ch = 0; ch < c; ch += 16) {
          const __mmask16 m = tail_mask(c, ch);
          __m512 acc = _mm512_setzero_ps();
          for (int i = 0; i < 3; ++i) {
            if (!rows[i]) continue;
            for (int j = j0; j <= j1; ++j)
              acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, rows[i] + (size_t)(w + j - 1) * c + ch),
                                    _mm512_maskz_loadu_ps(m, k + (i * 3 + j) * c + ch), acc);
          }
          _mm512_mask_storeu_ps(out + (size_t)w * c + ch, m, acc);
        }
      }
    }
}

__attribute__((target("avx512f"))) static void backward_v1(const float* x, const float* k, const float* gy, int n,
                                                            int s, int c, float* gx, float* gk, float* partials) {
  const int threads = omp_get_max_threads();
  memset(partials, 0, sizeof(float) * (size_t)threads * 9 * c);
#pragma omp parallel
  {
    float* mine = partials + (size_t)omp_get_thread_num() * 9 * c;
#pragma omp for collapse(2) schedule(static)
    for (int b = 0; b < n; ++b)
      for (int h = 0; h < s; ++h) {
        const float* rows[3];
        for (int i = 0; i < 3; ++i) {
          const int hh = h - i + 1;
          rows[i] = (hh < 0 || hh >= s) ? NULL : gy + ((size_t)b * s + hh) * s * c;
        }
        const float* in = x + ((size_t)b * s + h) * s * c;
        float* out = gx + ((size_t)b * s + h) * s * c;
        for (int w = 0; w < s; ++w) {
          const int j0 = w == s - 1 ? 1 : 0, j1 = w == 0 ? 1 : 2;
          for (int ch = 0; ch < c; ch += 16) {
            const __mmask16 m = tail_mask(c, ch);
            const __m512 xv = _mm512_maskz_loadu_ps(m, in + (size_t)w * c + ch);
            __m512 acc = _mm512_setzero_ps();
            for (int i = 0; i < 3; ++i) {
              if (!rows[i]) continue;
              for (int j = j0; j <= j1; ++j) {
                const int tap = (i * 3 + j) * c + ch;
                const __m512 g = _mm512_maskz_loadu_ps(m, rows[i] + (size_t)(w - j + 1) * c + ch);
                acc = _mm512_fmadd_ps(g, _mm512_maskz_loadu_ps(m, k + tap), acc);
                _mm512_mask_storeu_ps(mine + tap, m, _mm512_fmadd_ps(xv, g, _mm512_maskz_loadu_ps(m, mine + tap)));
              }
            }
            _mm512_mask_storeu_ps(out + (size_t)w * c + ch, m, acc);
          }
        }
      }
  }
  for (int t = 0; t < 9 * c; ++t) {
    float sum = 0;
    for (int p = 0; p < threads; ++p) sum += partials[(size_t)p * 9 * c + t];
    gk[t] = sum;
  }
}

/* ---- floors: the compulsory traffic, streamed --------------------------------------------------- */
__attribute__((target("avx512f"))) static void floor_forward(const float* x, size_t count, float* y) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < count; i += 16) _mm512_storeu_ps(y + i, _mm512_loadu_ps(x + i));
}

__attribute__((target("avx512f"))) static void floor_backward(const float* x, const float* gy, size_t count,
                                                               float* gx) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < count; i += 16)
    _mm512_storeu_ps(gx + i, _mm512_add_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(gy + i)));
}

static int within(const float* got, const float* want, size_t count, const char* what, const dw_shape* sh) {
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < count; ++i)
    if (!(fabsf(got[i] - want[i]) <= 1e-5f + 1e-5f * fabsf(want[i])) && bad++ == 0) first = i;
  if (bad) printf("FAIL %s at c%d@%d: %zu of %zu off, first [%zu] %.9g against %.9g\n", what, sh->channels,
                  sh->side, bad, count, first, got[first], want[first]);
  return bad == 0;
}

static int compare_doubles(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  const int threads = argc > 1 ? atoi(argv[1]) : 2, repeats = argc > 2 ? atoi(argv[2]) : 21;
  if (threads < 1 || repeats < 1) {
    fprintf(stderr, "usage: %s [THREADS [REPEATS]], both at least 1\n", argv[0]);
    return 2;
  }
  if (!__builtin_cpu_supports("avx512f")) {
    printf("no AVX-512 on this CPU: the lab's kernels need it\n");
    return CHECK_SKIP;
  }
  omp_set_num_threads(threads);
  enum { kVersions = 6 };
  const char* names[kVersions] = {"forward floor",           "forward v1",
                                  "backward floor",          "backward v1 (data+weights)",
                                  "backward v2 (library)",   "backward v2, bf16 (library)"};
  double step_ms[kVersions] = {0};
  printf("depthwise 3x3, stride 1, same padding, channels-last float32, batch %d, %d threads, %d runs each\n",
         kBatch, threads, repeats);
  printf("%-10s %-28s %10s %10s %10s\n", "shape", "version", "median ms", "best ms", "x floor");
  check_rng rng = {11};
  for (int si = 0; si < kShapes; ++si) {
    const dw_shape* sh = &kXception224[si];
    const int c = sh->channels, s = sh->side;
    const size_t count = (size_t)kBatch * s * s * c, bytes = (count + 16) * sizeof(float);
    float *x = aligned_alloc(64, bytes), *gy = aligned_alloc(64, bytes), *y = aligned_alloc(64, bytes);
    float *gx = aligned_alloc(64, bytes), *want = aligned_alloc(64, bytes);
    float *k = malloc(sizeof(float) * 9 * c), *gk = malloc(sizeof(float) * 9 * c);
    float *gk_want = malloc(sizeof(float) * 9 * c), *partials = malloc(sizeof(float) * (size_t)threads * 9 * c);
    uint16_t *xb = malloc(2 * count), *gyb = malloc(2 * count), *gxb = malloc(2 * count);
    check_fill_uniform(&rng, x, count, -1.0f, 1.0f);
    check_fill_uniform(&rng, gy, count, -1.0f, 1.0f);
    check_fill_uniform(&rng, k, (size_t)9 * c, -0.5f, 0.5f);
    for (size_t i = 0; i < count; ++i) { /* truncated to bfloat16: the bf16 run's inputs */
      uint32_t bits;
      memcpy(&bits, x + i, 4);
      xb[i] = (uint16_t)(bits >> 16);
      memcpy(&bits, gy + i, 4);
      gyb[i] = (uint16_t)(bits >> 16);
    }

    forward_v1(x, k, kBatch, s, c, y);
    reference_forward(x, k, kBatch, s, c, want);
    if (!within(y, want, count, "forward", sh)) return 1;
    backward_v1(x, k, gy, kBatch, s, c, gx, gk, partials);
    reference_backward(x, k, gy, kBatch, s, c, want, gk_want);
    if (!within(gx, want, count, "input gradient", sh)) return 1;
    if (xfer_depthwise3x3_backward_cpu(XFER_DTYPE_FLOAT32, x, gy, k, kBatch, s, s, c, y, gk, threads) != XFER_OK ||
        !within(y, want, count, "input gradient (library)", sh))
      return 1;
    /* the weight gradient sums up to 8 x 109 x 109 products in float: a looser relative bound */
    for (int t = 0; t < 9 * c; ++t)
      if (!(fabsf(gk[t] - gk_want[t]) <= 1e-3f + 1e-4f * fabsf(gk_want[t]))) {
        printf("FAIL weight gradient at c%d@%d [%d]: %.9g against %.9g\n", c, s, t, gk[t], gk_want[t]);
        return 1;
      }

    double* times[kVersions];
    for (int v = 0; v < kVersions; ++v) times[v] = malloc(sizeof(double) * (size_t)repeats);
    for (int r = -2; r < repeats; ++r) { /* two untimed rounds first */
      double t[kVersions + 1];
      t[0] = now_ms();
      floor_forward(x, count, y);
      t[1] = now_ms();
      forward_v1(x, k, kBatch, s, c, y);
      t[2] = now_ms();
      floor_backward(x, gy, count, gx);
      t[3] = now_ms();
      backward_v1(x, k, gy, kBatch, s, c, gx, gk, partials);
      t[4] = now_ms();
      xfer_depthwise3x3_backward_cpu(XFER_DTYPE_FLOAT32, x, gy, k, kBatch, s, s, c, gx, gk, threads);
      t[5] = now_ms();
      xfer_depthwise3x3_backward_cpu(XFER_DTYPE_BFLOAT16, xb, gyb, k, kBatch, s, s, c, gxb, gk, threads);
      t[6] = now_ms();
      if (r >= 0)
        for (int v = 0; v < kVersions; ++v) times[v][r] = t[v + 1] - t[v];
    }
    for (int v = 0; v < kVersions; ++v) {
      qsort(times[v], (size_t)repeats, sizeof(double), compare_doubles);
      const double median = times[v][repeats / 2], floor_median = times[v < 2 ? 0 : 2][repeats / 2];
      step_ms[v] += median * sh->count;
      printf("c%-4d@%-3d %-28s %10.3f %10.3f %9.2fx\n", c, s, names[v], median, times[v][0], median / floor_median);
      free(times[v]);
    }
    free(x), free(gy), free(y), free(gx), free(want), free(k), free(gk), free(gk_want), free(partials);
    free(xb), free(gyb), free(gxb);
  }
  printf("validated: every shape within 1e-5 (forward, input gradients) and 1e-4 (weight gradient, version 1) of the "
         "double reference\n");
  printf("one training step (each shape as often as the network has it), median ms:\n");
  for (int v = 0; v < kVersions; ++v) printf("  %-28s %8.2f\n", names[v], step_ms[v]);
  return 0;
}
