/* CPU kernels against hand-computed cases (the CUDA tests then compare CUDA to these kernels). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xfer/kernels.h"

static int failures = 0;

static void expect_near(const char* what, double got, double want, double tol) {
  if (!(fabs(got - want) <= tol)) {
    printf("FAIL %s: got %.9g, want %.9g (tol %.1e)\n", what, got, want, tol);
    ++failures;
  }
}

/* 2x2 -> 1x1: the half-pixel centre falls exactly between the four pixels, so the result is
 * their mean; then Keras scaling x / 127.5 - 1. */
static void preprocess_downscale_to_mean(void) {
  const uint8_t img[12] = {10, 0, 255, 20, 0, 255, 30, 0, 255, 40, 0, 255};
  const int64_t off = 0;
  const int32_t h = 2, w = 2;
  float out[3];
  int st = xfer_preprocess_cpu(img, &off, &h, &w, 1, 1, 1, 127.5f, 1, 1, 1, 1, 1, 1, out);
  expect_near("preprocess status", st, XFER_OK, 0);
  expect_near("preprocess R = mean(10,20,30,40)/127.5-1", out[0], 25.0 / 127.5 - 1.0, 1e-7);
  expect_near("preprocess G = -1", out[1], -1.0, 0);
  expect_near("preprocess B = +1", out[2], 1.0, 0);
}

/* 1x2 -> 1x4 upscaling: source x = (o + 0.5) * 0.5 - 0.5 = -0.25, 0.25, 0.75, 1.25
 * -> clamped 0, lerp 0.25, lerp 0.75, clamped 1 (lerp weight unclamped but lo == hi). */
static void preprocess_upscale_edges(void) {
  const uint8_t img[6] = {0, 0, 0, 100, 100, 100};
  const int64_t off = 0;
  const int32_t h = 1, w = 2;
  float out[12];
  xfer_preprocess_cpu(img, &off, &h, &w, 1, 1, 4, 1.0f, 0, 0, 0, 1, 1, 1, out);
  const double want[4] = {0, 25, 75, 100};
  for (int i = 0; i < 4; ++i) expect_near("preprocess upscale R", out[i], want[i], 1e-5);
}

static void preprocess_rejects_bad_sizes(void) {
  const uint8_t img[3] = {0};
  const int64_t off = 0;
  const int32_t h = 0, w = 1;
  float out[3];
  expect_near("zero height rejected",
              xfer_preprocess_cpu(img, &off, &h, &w, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, out),
              XFER_ERR_BAD_SHAPE, 0);
  expect_near("null output rejected",
              xfer_preprocess_cpu(img, &off, &h, &w, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, NULL),
              XFER_ERR_NULL_POINTER, 0);
}

/* Zero weights: probabilities are uniform, loss is log K, grad_bias[j] = 1/K - [j == label]. */
static void head_uniform_case(void) {
  enum { N = 2, C = 3, HW = 4, K = 4 };
  float x[N * C * HW], w[K * C] = {0}, b[K] = {0}, probs[N * K], pooled[N * C];
  for (int i = 0; i < N * C * HW; ++i) x[i] = (float)(i / HW); /* channel value = its index */
  xfer_head_forward_cpu(x, w, b, N, C, HW, K, probs);
  for (int i = 0; i < N * K; ++i) expect_near("uniform probs", probs[i], 0.25, 1e-7);
  xfer_head_pool_cpu(x, N, C, HW, pooled);
  for (int i = 0; i < N * C; ++i) expect_near("pooled = channel index", pooled[i], i, 0);

  const int64_t labels[N] = {1, 3};
  float loss, sample_loss[N], gl[N * K], gw[K * C], gb[K];
  int st = xfer_head_train_step_cpu(pooled, w, b, labels, N, C, K, &loss, sample_loss, gl, gw, gb);
  expect_near("train status", st, XFER_OK, 0);
  expect_near("loss = log K", loss, log(4.0), 1e-6);
  for (int j = 0; j < K; ++j) {
    const double want = (0.25 - (j == 1)) / 2 + (0.25 - (j == 3)) / 2;
    expect_near("grad_bias", gb[j], want, 1e-7);
  }
  /* grad_weight[j,c] = sum_n (p - y)/N * pooled[n,c]; pooled[n,c] = n*C + c */
  for (int j = 0; j < K; ++j)
    for (int c = 0; c < C; ++c) {
      const double want = (0.25 - (j == 1)) / 2 * c + (0.25 - (j == 3)) / 2 * (C + c);
      expect_near("grad_weight", gw[j * C + c], want, 1e-6);
    }
  const int64_t bad[N] = {0, K};
  expect_near("label K rejected",
              xfer_head_train_step_cpu(pooled, w, b, bad, N, C, K, &loss, sample_loss, gl, gw, gb),
              XFER_ERR_BAD_LABEL, 0);
}

/* Keras SGD, values chosen so that every product and sum is exact: momentum 0.5, lr 0.25.
 * Step 1: v = 2*0.5 + 4*(-0.25) = 0, p = 1 + 0 = 1;  step 2: v = 0*0.5 + 4*(-0.25) = -1, p = 0.
 * Second value, g = -8: v = 1*0.5 + 2 = 2.5, p = 3.5;  then v = 1.25 + 2 = 3.25, p = 6.75.
 * Nesterov adds v*0.5 + g*(-0.25) instead of v: step 1 p = 1 + (0 - 1) = 0 and 1 + (1.25 + 2) = 4.25. */
static void keras_sgd_hand_case(void) {
  for (int nesterov = 0; nesterov <= 1; ++nesterov) {
    float p[2] = {1, 1}, v[2] = {2, 1}, frozen[2] = {7, 7}, frozen_v[2] = {0, 0};
    const float g[2] = {4, -8};
    float* params[2] = {p, frozen};
    float* vels[2] = {v, frozen_v};
    const float* grads[2] = {g, NULL}; /* the second tensor has no gradient: untouched */
    const int64_t lengths[2] = {2, 2};
    const float neg_lrs[2] = {-0.25f, -0.25f};
    int st = xfer_keras_sgd_cpu(2, params, vels, grads, lengths, neg_lrs, 0.5f, nesterov, 2);
    expect_near("sgd status", st, XFER_OK, 0);
    expect_near("sgd v[0] step 1", v[0], 0, 0);
    expect_near("sgd v[1] step 1", v[1], 2.5, 0);
    expect_near("sgd p[0] step 1", p[0], nesterov ? 0 : 1, 0);
    expect_near("sgd p[1] step 1", p[1], nesterov ? 4.25 : 3.5, 0);
    expect_near("sgd tensor without gradient", frozen[0] + frozen[1] + frozen_v[0] + frozen_v[1], 14, 0);
    if (!nesterov) {
      xfer_keras_sgd_cpu(2, params, vels, grads, lengths, neg_lrs, 0.5f, 0, 1);
      expect_near("sgd v[0] step 2", v[0], -1, 0);
      expect_near("sgd p[0] step 2", p[0], 0, 0);
      expect_near("sgd v[1] step 2", v[1], 3.25, 0);
      expect_near("sgd p[1] step 2", p[1], 6.75, 0);
    }
  }
  expect_near("sgd rejects 0 threads", xfer_keras_sgd_cpu(0, NULL, NULL, NULL, NULL, NULL, 0.9f, 0, 0), XFER_ERR_BAD_SHAPE, 0);
}

/* Splitting the work over threads changes which thread computes a value, never the value: three
 * tensors (a split falls inside the first and the last) on 1, 2 and 3 threads agree bit for bit. */
static void keras_sgd_threads_agree(void) {
  enum { A = 200003, B = 1, C = 140001, ALL = A + B + C };
  float* runs[3][2];
  float* g = malloc(sizeof(float) * ALL);
  for (int64_t i = 0; i < ALL; ++i) g[i] = (float)sin((double)i) * 1e-2f;
  for (int r = 0; r < 3; ++r) {
    runs[r][0] = malloc(sizeof(float) * ALL);
    runs[r][1] = malloc(sizeof(float) * ALL);
    for (int64_t i = 0; i < ALL; ++i) {
      runs[r][0][i] = (float)cos((double)i);
      runs[r][1][i] = (float)sin(0.5 * (double)i) * 1e-3f;
    }
    float* p = runs[r][0];
    float* v = runs[r][1];
    float* params[3] = {p, p + A, p + A + B};
    float* vels[3] = {v, v + A, v + A + B};
    const float* grads[3] = {g, g + A, g + A + B};
    const int64_t lengths[3] = {A, B, C};
    const float neg_lrs[3] = {-0.01f, -0.003f, -0.0007f};
    for (int step = 0; step < 3; ++step) xfer_keras_sgd_cpu(3, params, vels, grads, lengths, neg_lrs, 0.9f, step == 2, r + 1);
  }
  for (int r = 1; r < 3; ++r) {
    expect_near("sgd params, threads agree", memcmp(runs[0][0], runs[r][0], sizeof(float) * ALL), 0, 0);
    expect_near("sgd velocities, threads agree", memcmp(runs[0][1], runs[r][1], sizeof(float) * ALL), 0, 0);
  }
  for (int r = 0; r < 3; ++r) {
    free(runs[r][0]);
    free(runs[r][1]);
  }
  free(g);
}

int main(void) {
  preprocess_downscale_to_mean();
  preprocess_upscale_edges();
  preprocess_rejects_bad_sizes();
  head_uniform_case();
  keras_sgd_hand_case();
  keras_sgd_threads_agree();
  printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
  return failures ? 1 : 0;
}
