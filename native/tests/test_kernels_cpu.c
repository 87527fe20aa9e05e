/* CPU kernels against hand-computed cases (the CUDA tests then compare CUDA to these kernels). */
#include <math.h>
#include <stdint.h>
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

/* ---- depthwise 3x3 backward ------------------------------------------------------------------ */

/* The backward pass in double, straight from the definition (channels-last, weights (3, 3, C)). */
static void depthwise_reference(const float* x, const float* gy, const float* k, int n, int h, int w, int c,
                                double* gx, double* gk) {
  memset(gk, 0, sizeof(double) * 9 * c);
  for (int b = 0; b < n; ++b)
    for (int y = 0; y < h; ++y)
      for (int xx = 0; xx < w; ++xx)
        for (int ch = 0; ch < c; ++ch) {
          double sum = 0;
          const size_t at = (((size_t)b * h + y) * w + xx) * c + ch;
          for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) {
              const int oy = y - i + 1, ox = xx - j + 1; /* output pixels this input fed */
              if (oy >= 0 && oy < h && ox >= 0 && ox < w)
                sum += (double)gy[(((size_t)b * h + oy) * w + ox) * c + ch] * k[(i * 3 + j) * c + ch];
              const int iy = y + i - 1, ix = xx + j - 1; /* inputs this output pixel read */
              if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                gk[(i * 3 + j) * c + ch] += (double)x[(((size_t)b * h + iy) * w + ix) * c + ch] * gy[at];
            }
          gx[at] = sum;
        }
}

static float round_to_bf16(float v) { /* the nearest bfloat16, as a float (no NaNs here) */
  uint32_t bits;
  memcpy(&bits, &v, 4);
  bits = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
  memcpy(&v, &bits, 4);
  return v;
}

/* A 3x3 map of 1..9, output gradient 1, weights 1: the input gradient counts the output pixels each input
 * fed (corner 4, edge 6, centre 9); the weight gradient sums the inputs each tap saw (centre tap 45, the
 * corner tap (0, 0) saw 1 + 2 + 4 + 5 = 12). */
static void depthwise_hand_case(void) {
  const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  float gx[9], gk[9];
  const int st = xfer_depthwise3x3_backward_cpu(XFER_DTYPE_FLOAT32, x, ones, ones, 1, 3, 3, 1, gx, gk, 1);
  if (st == XFER_ERR_UNSUPPORTED) {
    printf("SKIP depthwise: %s\n", xfer_status_string(st));
    return;
  }
  expect_near("depthwise hand case status", st, XFER_OK, 0);
  const float want_gx[9] = {4, 6, 4, 6, 9, 6, 4, 6, 4};
  const float want_gk[9] = {12, 21, 16, 27, 45, 33, 24, 39, 28};
  for (int i = 0; i < 9; ++i) {
    expect_near("depthwise hand case input gradient", gx[i], want_gx[i], 0);
    expect_near("depthwise hand case weight gradient", gk[i], want_gk[i], 0);
  }
  expect_near("depthwise rejects no outputs",
              xfer_depthwise3x3_backward_cpu(XFER_DTYPE_FLOAT32, x, ones, ones, 1, 3, 3, 1, NULL, NULL, 1),
              XFER_ERR_NULL_POINTER, 0);
  expect_near("depthwise rejects an unknown dtype",
              xfer_depthwise3x3_backward_cpu(7, x, ones, ones, 1, 3, 3, 1, gx, gk, 1), XFER_ERR_BAD_SHAPE, 0);
  expect_near("depthwise rejects an empty map",
              xfer_depthwise3x3_backward_cpu(XFER_DTYPE_FLOAT32, x, ones, ones, 1, 0, 3, 1, gx, gk, 1),
              XFER_ERR_BAD_SHAPE, 0);
}

/* Random cases against the double reference: channel counts off the 16-lane blocks, one-pixel maps,
 * 1 and 3 threads (the input gradient bit for bit the same), float32 and bfloat16. */
static void depthwise_matches_reference(void) {
  if (!xfer_depthwise3x3_cpu_supported()) return; /* said by the hand case */
  const int shapes[][4] = {{2, 5, 7, 40}, {1, 1, 1, 3}, {3, 4, 1, 17}, {2, 6, 6, 16}, {1, 2, 9, 33}};
  unsigned seed = 12345;
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; ++s) {
    const int n = shapes[s][0], h = shapes[s][1], w = shapes[s][2], c = shapes[s][3];
    const size_t count = (size_t)n * h * w * c;
    float *x = malloc(sizeof(float) * count), *gy = malloc(sizeof(float) * count), *k = malloc(sizeof(float) * 9 * c);
    uint16_t *xb = malloc(2 * count), *gyb = malloc(2 * count), *gxb = malloc(2 * count);
    float *gx1 = malloc(sizeof(float) * count), *gx3 = malloc(sizeof(float) * count);
    float gk1[9 * 40], gk3[9 * 40], gkb[9 * 40];
    double *want = malloc(sizeof(double) * count), want_k[9 * 40];
    for (size_t i = 0; i < count; ++i) { /* values a bfloat16 holds exactly, so both types see the same inputs */
      seed = seed * 1103515245u + 12345u;
      x[i] = round_to_bf16((float)((seed >> 8) % 2000) / 1000.0f - 1.0f);
      seed = seed * 1103515245u + 12345u;
      gy[i] = round_to_bf16((float)((seed >> 8) % 2000) / 1000.0f - 1.0f);
      uint32_t bits;
      memcpy(&bits, &x[i], 4);
      xb[i] = (uint16_t)(bits >> 16);
      memcpy(&bits, &gy[i], 4);
      gyb[i] = (uint16_t)(bits >> 16);
    }
    for (int i = 0; i < 9 * c; ++i) k[i] = (float)((i * 37) % 17) / 8.0f - 1.0f;
    depthwise_reference(x, gy, k, n, h, w, c, want, want_k);
    expect_near("depthwise float32 status",
                xfer_depthwise3x3_backward_cpu(XFER_DTYPE_FLOAT32, x, gy, k, n, h, w, c, gx1, gk1, 1), XFER_OK, 0);
    xfer_depthwise3x3_backward_cpu(XFER_DTYPE_FLOAT32, x, gy, k, n, h, w, c, gx3, gk3, 3);
    xfer_depthwise3x3_backward_cpu(XFER_DTYPE_BFLOAT16, xb, gyb, k, n, h, w, c, gxb, gkb, 2);
    expect_near("depthwise input gradient, threads agree", memcmp(gx1, gx3, sizeof(float) * count), 0, 0);
    for (size_t i = 0; i < count; ++i) {
      expect_near("depthwise float32 input gradient", gx1[i], want[i], 1e-5 + 1e-5 * fabs(want[i]));
      uint32_t bits = (uint32_t)gxb[i] << 16;
      float got;
      memcpy(&got, &bits, 4);
      /* a bfloat16 keeps 8 significant bits: rounding moves a value by at most 2^-8 of it */
      expect_near("depthwise bfloat16 input gradient", got, want[i], 1e-6 + fabs(want[i]) / 256.0);
    }
    for (int i = 0; i < 9 * c; ++i) {
      expect_near("depthwise float32 weight gradient", gk1[i], want_k[i], 1e-4 + 1e-5 * fabs(want_k[i]));
      expect_near("depthwise weight gradient on 3 threads", gk3[i], want_k[i], 1e-4 + 1e-5 * fabs(want_k[i]));
      expect_near("depthwise bfloat16 weight gradient", gkb[i], want_k[i], 1e-4 + 1e-5 * fabs(want_k[i]));
    }
    free(x), free(gy), free(k), free(xb), free(gyb), free(gxb), free(gx1), free(gx3), free(want);
  }
}

int main(void) {
  preprocess_downscale_to_mean();
  preprocess_upscale_edges();
  preprocess_rejects_bad_sizes();
  head_uniform_case();
  keras_sgd_hand_case();
  keras_sgd_threads_agree();
  depthwise_hand_case();
  depthwise_matches_reference();
  printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
  return failures ? 1 : 0;
}
