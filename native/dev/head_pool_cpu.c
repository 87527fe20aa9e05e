/*
 * Kernel lab, CPU: the head's pooling and fused forward against the floor they cannot beat, one
 * streaming read of the same feature map (an AVX2 sum with four accumulators over aligned loads),
 * timed in alternation on one thread. Validation first: the library's pooling bit for bit against a
 * scalar statement of its arithmetic (as native/tests/test_head_arithmetic.c), version 1 within
 * 1e-6 relative.
 *
 *   version 1  a simpler pooling: 4 rows interleaved (one accumulator each, the loads of the four
 *              rows alternating), per-row scalar tails, means in double then rounded to float
 *   version 2  the library's xfer_head_pool_cpu (native/src/head_cpu.c): 8 rows in memory order,
 *              unrolled for odd square maps, tail column by blends
 *
 *   xfer_lab_head_cpu [N C HW K [REPEATS]]      default 32 2048 49 5 201 (Xception's head, 5 classes)
 *
 * Prints median and best ms, GB/s of the map's bytes and the ratio to the streaming read. On a
 * shared machine the medians move with other tenants' memory traffic: compare ratios from one run.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "xfer/kernels.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* The floor: every byte of the map read once, in order, nothing else. */
__attribute__((target("avx2"))) static float streaming_read(const float* p, size_t count) {
  __m256 a = _mm256_setzero_ps(), b = a, c = a, d = a;
  size_t i = 0;
  for (; i + 32 <= count; i += 32) {
    a = _mm256_add_ps(a, _mm256_load_ps(p + i));
    b = _mm256_add_ps(b, _mm256_load_ps(p + i + 8));
    c = _mm256_add_ps(c, _mm256_load_ps(p + i + 16));
    d = _mm256_add_ps(d, _mm256_load_ps(p + i + 24));
  }
  float lanes[8];
  _mm256_storeu_ps(lanes, _mm256_add_ps(_mm256_add_ps(a, b), _mm256_add_ps(c, d)));
  float total = 0;
  for (int j = 0; j < 8; ++j) total += lanes[j];
  for (; i < count; ++i) total += p[i];
  return total;
}

/* Version 1 (kept here for comparison): 4 rows at a time, their loads interleaved. */
__attribute__((target("avx2"))) static void pool_v1(const float* x, int64_t rows, int64_t len, float* pooled) {
  const double inv_len = 1.0 / (double)len;
  int64_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const float* p = x + r * len;
    double total[4] = {0, 0, 0, 0};
    int64_t i = 0;
    while (i < len) {
      const int64_t end = (len - i > 256) ? i + 256 : len;
      __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
      for (; i + 8 <= end; i += 8) {
        a0 = _mm256_add_ps(a0, _mm256_loadu_ps(p + i));
        a1 = _mm256_add_ps(a1, _mm256_loadu_ps(p + len + i));
        a2 = _mm256_add_ps(a2, _mm256_loadu_ps(p + 2 * len + i));
        a3 = _mm256_add_ps(a3, _mm256_loadu_ps(p + 3 * len + i));
      }
      const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
      float run[4];
      _mm_storeu_ps(run, _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
      for (int k = 0; k < 4; ++k) {
        float t = run[k];
        for (int64_t j = i; j < end; ++j) t += p[k * len + j];
        total[k] += t;
      }
      i = end;
    }
    for (int k = 0; k < 4; ++k) pooled[r + k] = (float)(total[k] * inv_len);
  }
  for (; r < rows; ++r) pooled[r] = check_head_mean(x + r * len, len);
}

static int compare_doubles(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? atoll(argv[1]) : 32, c = argc > 2 ? atoll(argv[2]) : 2048;
  const int64_t hw = argc > 3 ? atoll(argv[3]) : 49, k = argc > 4 ? atoll(argv[4]) : 5;
  const int repeats = argc > 5 ? atoi(argv[5]) : 201;
  if (n < 1 || c < 1 || hw < 1 || k < 1 || repeats < 1) {
    fprintf(stderr, "usage: %s [N C HW K [REPEATS]], all at least 1\n", argv[0]);
    return 2;
  }
  if (!__builtin_cpu_supports("avx2")) {
    printf("no AVX2 on this CPU: the streaming-read floor is not measured\n");
    return 77;
  }
  const size_t count = (size_t)(n * c * hw), bytes = count * sizeof(float);
  float* x = aligned_alloc(64, (bytes + 63) / 64 * 64);
  float* w = malloc(sizeof(float) * (size_t)(k * c));
  float* b = malloc(sizeof(float) * (size_t)k);
  float* pooled = malloc(sizeof(float) * (size_t)(n * c));
  float* probs = malloc(sizeof(float) * (size_t)(n * k));
  check_rng rng = {7};
  for (size_t i = 0; i < count; ++i) x[i] = check_uniform(&rng, 0.0f, 4.0f);
  for (int64_t i = 0; i < k * c; ++i) w[i] = check_uniform(&rng, -0.05f, 0.05f);
  for (int64_t i = 0; i < k; ++i) b[i] = check_uniform(&rng, -0.5f, 0.5f);

  xfer_head_pool_cpu(x, n, c, hw, pooled);
  for (int64_t r = 0; r < n * c; ++r) {
    const float want = check_head_mean(x + r * hw, hw);
    if (memcmp(&want, pooled + r, sizeof(float)) != 0) {
      printf("FAIL pool row %lld: %.9g, reference %.9g\n", (long long)r, pooled[r], want);
      return 1;
    }
  }
  printf("pool (version 2, the library): %lld rows bit-identical to the scalar reference\n", (long long)(n * c));
  float* pooled_v1 = malloc(sizeof(float) * (size_t)(n * c));
  pool_v1(x, n * c, hw, pooled_v1);
  for (int64_t r = 0; r < n * c; ++r) {
    const float want = check_head_mean(x + r * hw, hw);
    if (!(fabsf(pooled_v1[r] - want) <= 1e-6f * fabsf(want) + 1e-12f)) {
      printf("FAIL pool version 1, row %lld: %.9g, reference %.9g\n", (long long)r, pooled_v1[r], want);
      return 1;
    }
  }
  printf("pool (version 1): within 1e-6 relative of the scalar reference\n");

  enum { kVersions = 4 };
  const char* names[kVersions] = {"streaming read (floor)", "pool, version 1", "pool, version 2 (library)",
                                  "forward (library)"};
  double* times[kVersions];
  for (int v = 0; v < kVersions; ++v) times[v] = malloc(sizeof(double) * (size_t)repeats);
  volatile float sink = 0;
  for (int warm = 0; warm < 5; ++warm) sink += streaming_read(x, count);
  for (int r = 0; r < repeats; ++r) {
    double t = now_ms();
    sink += streaming_read(x, count);
    times[0][r] = now_ms() - t;
    t = now_ms();
    pool_v1(x, n * c, hw, pooled_v1);
    times[1][r] = now_ms() - t;
    t = now_ms();
    xfer_head_pool_cpu(x, n, c, hw, pooled);
    times[2][r] = now_ms() - t;
    t = now_ms();
    xfer_head_forward_cpu(x, w, b, n, c, hw, k, probs);
    times[3][r] = now_ms() - t;
  }
  printf("map (%lld, %lld, %lld) float32 = %.1f MB, K = %lld, %d alternating runs, one thread\n", (long long)n,
         (long long)c, (long long)hw, bytes / 1e6, (long long)k, repeats);
  printf("%-26s %10s %10s %10s %12s\n", "version", "median ms", "best ms", "GB/s", "x floor");
  double floor_ms = 0;
  for (int v = 0; v < kVersions; ++v) {
    qsort(times[v], (size_t)repeats, sizeof(double), compare_doubles);
    const double median = times[v][repeats / 2];
    if (v == 0) floor_ms = median;
    printf("%-26s %10.3f %10.3f %10.1f %11.2fx\n", names[v], median, times[v][0], bytes / median / 1e6,
           median / floor_ms);
    free(times[v]);
  }
  free(x), free(w), free(b), free(pooled), free(pooled_v1), free(probs);
  return 0;
}
