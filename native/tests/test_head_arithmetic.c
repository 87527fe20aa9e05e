/*
 * The CPU head kernels bit for bit against a plain scalar statement of their documented arithmetic
 * (head_cpu.c): a row mean adds 8 float lanes over runs of at most 256 elements, reduces the lanes
 * as ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)), adds the run's tail in order, folds each run into a
 * double and scales by 1/len; a logit adds 8 float lanes of products per run, reduces them as
 * ((l0+l4)+(l2+l6))+((l1+l5)+(l3+l7)), adds the tail products, folds runs into double and adds the
 * bias. The SIMD paths (8 rows at a time, unrolled odd-square maps, blended or gathered tails, 1 to 8
 * dense rows per pass) must reproduce exactly this, for every row, batch size and position: a
 * sample's features never depend on the batch it came in. Built with -ffp-contract=off like the
 * library, so both sides round the same operations.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "xfer/kernels.h"

static int failures = 0;

static double reference_logit(const float* w, const float* v, float bias, int64_t c) {
  double total = 0.0;
  for (int64_t begin = 0; begin < c; begin += 256) {
    const int64_t end = c - begin > 256 ? begin + 256 : c;
    float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = begin;
    for (; i + 8 <= end; i += 8) {
      for (int j = 0; j < 8; ++j) lane[j] = lane[j] + w[i + j] * v[i + j];
    }
    float run = ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
    for (; i < end; ++i) run = run + w[i] * v[i];
    total = total + (double)run;
  }
  return (double)bias + total;
}

static void reference_probs(const float* pooled, const float* w, const float* b, int64_t c, int64_t k,
                            float* probs) {
  double* logits = malloc(sizeof(double) * (size_t)k);
  double max_logit = -INFINITY;
  for (int64_t j = 0; j < k; ++j) {
    logits[j] = reference_logit(w + j * c, pooled, b[j], c);
    if (logits[j] > max_logit) max_logit = logits[j];
  }
  double denom = 0.0;
  for (int64_t j = 0; j < k; ++j) denom += exp(logits[j] - max_logit);
  const double lse = max_logit + log(denom);
  for (int64_t j = 0; j < k; ++j) probs[j] = (float)exp(logits[j] - lse);
  free(logits);
}

static int64_t first_difference(const float* a, const float* b, int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    if (memcmp(a + i, b + i, sizeof(float)) != 0) return i;
  }
  return -1;
}

static void check_shape(check_rng* rng, int64_t n, int64_t c, int64_t hw, int64_t k) {
  const int64_t count = n * c * hw;
  float* x = malloc(sizeof(float) * (size_t)count);
  float* w = malloc(sizeof(float) * (size_t)(k * c));
  float* b = malloc(sizeof(float) * (size_t)k);
  float* pooled = malloc(sizeof(float) * (size_t)(n * c));
  float* want_pooled = malloc(sizeof(float) * (size_t)(n * c));
  float* probs = malloc(sizeof(float) * (size_t)(n * k));
  float* alone = malloc(sizeof(float) * (size_t)k);
  float* want_probs = malloc(sizeof(float) * (size_t)(n * k));
  for (int64_t i = 0; i < count; ++i) x[i] = check_uniform(rng, -1.0f, 4.0f);
  for (int64_t i = 0; i < k * c; ++i) w[i] = check_uniform(rng, -0.05f, 0.05f);
  for (int64_t i = 0; i < k; ++i) b[i] = check_uniform(rng, -0.5f, 0.5f);

  for (int64_t r = 0; r < n * c; ++r) want_pooled[r] = check_head_mean(x + r * hw, hw);
  for (int64_t s = 0; s < n; ++s) reference_probs(want_pooled + s * c, w, b, c, k, want_probs + s * k);

  int status = xfer_head_pool_cpu(x, n, c, hw, pooled);
  int64_t at = first_difference(pooled, want_pooled, n * c);
  if (status != XFER_OK || at >= 0) {
    printf("FAIL pool N=%lld C=%lld HW=%lld: status %d, first differing row %lld\n", (long long)n,
           (long long)c, (long long)hw, status, (long long)at);
    ++failures;
  }
  status = xfer_head_forward_cpu(x, w, b, n, c, hw, k, probs);
  at = first_difference(probs, want_probs, n * k);
  if (status != XFER_OK || at >= 0) {
    printf("FAIL forward N=%lld C=%lld HW=%lld K=%lld: status %d, first differing probability %lld\n",
           (long long)n, (long long)c, (long long)hw, (long long)k, status, (long long)at);
    ++failures;
  }
  for (int64_t s = 0; s < n; ++s) { /* each sample alone: the same bits as in the batch */
    xfer_head_forward_cpu(x + s * c * hw, w, b, 1, c, hw, k, alone);
    if (first_difference(alone, probs + s * k, k) >= 0) {
      printf("FAIL forward N=%lld C=%lld HW=%lld K=%lld: sample %lld alone differs from the batch\n",
             (long long)n, (long long)c, (long long)hw, (long long)k, (long long)s);
      ++failures;
      break;
    }
  }
  free(x), free(w), free(b), free(pooled), free(want_pooled), free(probs), free(alone), free(want_probs);
}

int main(void) {
  check_rng rng = {20261128};
  /* HW: odd squares 1..289 (one-element tails, unrolled up to 15x15), and 7, 64, 100, 196, 257,
   * 520 (no tail, gathered tails, several runs); C: multiples of 8 and not, below and above a run;
   * K: 1 to 8 rows per dense pass, more than 8, and many; N: tiles of 4 samples and 1-3 left over,
   * more than one block of 32 samples. */
  const int64_t shapes[][4] = {
      {32, 2048, 49, 5}, {3, 2048, 100, 1000}, {1, 1, 1, 1},   {5, 33, 9, 7},   {2, 728, 361, 2},
      {4, 17, 289, 9},   {2, 9, 64, 13},       {3, 11, 1, 4},   {6, 16, 196, 3}, {2, 24, 25, 8},
      {3, 40, 81, 6},    {2, 19, 121, 1},      {2, 8, 169, 16}, {1, 300, 225, 3}, {2, 9, 257, 13},
      {1, 8, 520, 4},    {3, 11, 7, 4},        {7, 64, 1, 3},   {2, 1000, 49, 17}, {3, 520, 9, 8},
      {2, 264, 121, 1},  {4, 2048, 49, 2},     {2, 16, 225, 9}, {37, 24, 9, 11}, {5, 300, 4, 70}};
  const int count = (int)(sizeof(shapes) / sizeof(shapes[0]));
  for (int i = 0; i < count; ++i) check_shape(&rng, shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3]);
  if (failures) {
    printf("%d failure(s)\n", failures);
    return 1;
  }
  printf("head arithmetic: %d shapes bit-identical to the scalar statement (pool, forward, sample alone)\n", count);
  return 0;
}
