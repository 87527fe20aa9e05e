/*
 * Shared helpers of the kernel tests and the kernel lab (native/dev): a seeded random source,
 * guard bytes after every output, and a tolerance compare that reports instead of just failing.
 * C-compatible (used from .c and .cu); CHECK_CUDA exists only when compiled by nvcc.
 *
 * Guard bytes: allocate an output of `bytes` plus CHECK_GUARD_BYTES, fill all of it with
 * check_pattern_fill (so unwritten outputs also show up as mismatches), run the kernel, then
 * check_guard verifies [bytes, bytes + CHECK_GUARD_BYTES) still holds the pattern.
 * Compare: |got - ref| <= atol + |ref| * rtol; NaN matches only NaN.
 */
#ifndef XFER_TESTS_CHECK_H
#define XFER_TESTS_CHECK_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK_GUARD_BYTES 256
#define CHECK_SKIP 77 /* ctest SKIP_RETURN_CODE: no CUDA device */

/* ---- random --------------------------------------------------------------------------------- */
typedef struct {
  uint64_t state;
} check_rng;

static inline uint64_t check_next(check_rng* r) { /* splitmix64 */
  uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform in [lo, hi). */
static inline float check_uniform(check_rng* r, float lo, float hi) {
  return lo + (hi - lo) * (float)((check_next(r) >> 40) * (1.0 / 16777216.0));
}

static inline int64_t check_below(check_rng* r, int64_t bound) {
  return (int64_t)(check_next(r) % (uint64_t)bound);
}

static inline void check_fill_uniform(check_rng* r, float* p, size_t n, float lo, float hi) {
  for (size_t i = 0; i < n; ++i) p[i] = check_uniform(r, lo, hi);
}

static inline void check_fill_bytes(check_rng* r, uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = (uint8_t)(check_next(r) >> 56);
}

/* ---- guard bytes ---------------------------------------------------------------------------- */
static inline uint8_t check_pattern_byte(size_t i) { return (uint8_t)(0xA5u ^ (unsigned)(i * 29u)); }

static inline void check_pattern_fill(void* buf, size_t bytes) {
  uint8_t* p = (uint8_t*)buf;
  for (size_t i = 0; i < bytes; ++i) p[i] = check_pattern_byte(i);
}

/* 1 when the CHECK_GUARD_BYTES after `bytes` still hold the pattern, else prints and returns 0. */
static inline int check_guard(const char* what, const void* buf, size_t bytes) {
  const uint8_t* p = (const uint8_t*)buf;
  for (size_t i = bytes; i < bytes + CHECK_GUARD_BYTES; ++i) {
    if (p[i] != check_pattern_byte(i)) {
      printf("  FAIL %s: guard byte %zu after the output was overwritten (0x%02x)\n", what,
             i - bytes, p[i]);
      return 0;
    }
  }
  return 1;
}

/* ---- tolerance compare ---------------------------------------------------------------------- */
static inline double check_max_abs(const float* p, size_t n) {
  double m = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double a = fabs((double)p[i]);
    if (a > m) m = a;
  }
  return m;
}

/* Prints the first `max_print` mismatches and a summary line; returns the mismatch count. */
static inline size_t check_close(const char* what, const float* got, const float* ref, size_t n,
                                 double atol, double rtol, int max_print) {
  size_t bad = 0, exact = 0;
  double max_err = 0.0;
  size_t worst = 0;
  for (size_t i = 0; i < n; ++i) {
    const double g = got[i], r = ref[i];
    if (isnan(g) && isnan(r)) {
      ++exact;
      continue;
    }
    const double err = fabs(g - r);
    if (g == r) ++exact;
    if (!(err <= atol + fabs(r) * rtol)) {
      if ((int)bad < max_print) printf("  mismatch %s[%zu]: got %.9g, ref %.9g\n", what, i, g, r);
      ++bad;
    }
    if (!(err <= max_err)) { /* NaN errors count as the worst */
      max_err = isnan(err) ? INFINITY : err;
      worst = i;
    }
  }
  const double max_ref = check_max_abs(ref, n);
  printf("  %-28s n=%-9zu max err %.3e (at %zu) = %.3e of max|ref| %.4g, %zu bit-exact, %s (%zu bad)\n",
         what, n, max_err, worst, max_ref > 0 ? max_err / max_ref : max_err, max_ref, exact,
         bad ? "FAIL" : "ok", bad);
  return bad;
}

/* ---- the CPU head's documented row mean, as plain scalar code ----------------------------------- */
/* 8 float lanes over runs of at most 256 elements, lanes reduced as ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)),
 * the run's tail added in order, runs folded into double, scaled by 1/len (head_cpu.c's mean_f32).
 * Bit-exact comparisons need the caller compiled without FMA contraction (-ffp-contract=off). */
static inline float check_head_mean(const float* p, int64_t len) {
  double total = 0.0;
  for (int64_t begin = 0; begin < len; begin += 256) {
    const int64_t end = len - begin > 256 ? begin + 256 : len;
    float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = begin;
    for (; i + 8 <= end; i += 8) {
      for (int j = 0; j < 8; ++j) lane[j] = lane[j] + p[i + j];
    }
    float run = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    for (; i < end; ++i) run = run + p[i];
    total = total + (double)run;
  }
  return (float)(total * (1.0 / (double)len));
}

/* ---- CUDA ----------------------------------------------------------------------------------- */
#ifdef __CUDACC__
#include <cuda_runtime.h>
#define CHECK_CUDA(call)                                                                     \
  do {                                                                                       \
    const cudaError_t check_err_ = (call);                                                   \
    if (check_err_ != cudaSuccess) {                                                         \
      printf("CUDA error %s at %s:%d: %s\n", cudaGetErrorName(check_err_), __FILE__, __LINE__, \
             cudaGetErrorString(check_err_));                                                \
      exit(1);                                                                               \
    }                                                                                        \
  } while (0)
#endif

#endif /* XFER_TESTS_CHECK_H */
