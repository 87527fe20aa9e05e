/*
 * preprocess, CPU: uint8 HWC RGB -> float32 NCHW, tf.image.resize(bilinear, half-pixel, no
 * antialias) fused with per-channel normalisation. Also the reference for the CUDA kernel.
 *
 * Fused: decode-sized uint8 input is read once; no float copy of the full-size image is made
 * (LibTorch's op chain converts, permutes and interpolates in separate passes).
 * Two passes per output row: a horizontal lerp of the two source rows it needs, written planar (one
 * float row per channel) and cached, since neighbouring output rows often share source rows; then
 * the vertical lerp, normalisation and the planar store, which run over contiguous floats and so
 * vectorise (the interleaved first version divided element by element and ran 3-4x slower).
 * The arithmetic is TF's, in TF's order, in float32; the build disables FMA contraction so
 * `a + (b - a) * t` rounds exactly as TF's kernel does.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xfer/kernels.h"

/* The hot loops are compiled twice (AVX2 and baseline x86-64) and picked at load time. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define XFER_HOT __attribute__((target_clones("avx2", "default")))
#else
#define XFER_HOT
#endif

/* One axis of TF's resize: source indices and lerp weight for every output coordinate. For the
 * horizontal axis the indices are pre-multiplied by 3 (byte offsets into an RGB row). */
typedef struct {
  int32_t lo, hi;
  float t;
} axis_tap;

/* uint8 -> float by table: one load instead of an integer-to-float conversion per sample. */
static float u8_to_f32[256];

static void init_u8_table(void) {
  if (u8_to_f32[255] == 255.0f) return; /* idempotent; a race writes the same values */
  for (int i = 0; i < 256; ++i) u8_to_f32[i] = (float)i;
}

static void compute_taps(int32_t in_size, int32_t out_size, int32_t stride, axis_tap* taps) {
  const float scale = (float)in_size / (float)out_size;
  for (int32_t o = 0; o < out_size; ++o) {
    const float f = ((float)o + 0.5f) * scale - 0.5f;
    const float fl = floorf(f);
    int64_t lo = (int64_t)fl;
    int64_t hi = (int64_t)ceilf(f);
    if (lo < 0) lo = 0;
    if (hi > in_size - 1) hi = in_size - 1;
    taps[o].lo = (int32_t)lo * stride;
    taps[o].hi = (int32_t)hi * stride;
    taps[o].t = f - fl;
  }
}

/* Horizontal pass for one source row into three planar rows: out[c*out_w + ox] = l + (r - l) * tx.
 * The scalar version is the reference and handles the last source pixel of a row; the SSE4.1
 * version below does the same arithmetic per lane, so both give identical bits. */
static void lerp_row_scalar(const uint8_t* src_row, const axis_tap* xt, int32_t from, int32_t to,
                            int32_t out_w, float* out) {
  float* r0 = out;
  float* r1 = out + out_w;
  float* r2 = out + 2 * (int64_t)out_w;
  for (int32_t ox = from; ox < to; ++ox) {
    const uint8_t* l = src_row + xt[ox].lo;
    const uint8_t* r = src_row + xt[ox].hi;
    const float t = xt[ox].t;
    const float l0 = u8_to_f32[l[0]], l1 = u8_to_f32[l[1]], l2 = u8_to_f32[l[2]];
    r0[ox] = l0 + (u8_to_f32[r[0]] - l0) * t;
    r1[ox] = l1 + (u8_to_f32[r[1]] - l1) * t;
    r2[ox] = l2 + (u8_to_f32[r[2]] - l2) * t;
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define XFER_HAVE_SSE41_PATH 1

/* One RGB pixel as four float lanes (R, G, B, next byte): reads 4 bytes, so only for pixels that
 * are not the last of their row. */
__attribute__((target("sse4.1"))) static inline __m128 pixel4(const uint8_t* p) {
  int32_t bytes;
  memcpy(&bytes, p, sizeof bytes);
  return _mm_cvtepi32_ps(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(bytes)));
}

/* Four output pixels at a time: load both taps of each as RGBx lanes, transpose to planar R/G/B
 * vectors, and lerp with the four weights (scalar gathers from a float row were tried and were
 * slower on AMD; these are plain 4-byte loads). */
__attribute__((target("sse4.1"))) static void lerp_row_sse41(const uint8_t* src_row, const axis_tap* xt,
                                                             int32_t to, int32_t out_w, float* out) {
  float* r0 = out;
  float* r1 = out + out_w;
  float* r2 = out + 2 * (int64_t)out_w;
  int32_t ox = 0;
  for (; ox + 4 <= to; ox += 4) {
    __m128 l0 = pixel4(src_row + xt[ox].lo), l1 = pixel4(src_row + xt[ox + 1].lo);
    __m128 l2 = pixel4(src_row + xt[ox + 2].lo), l3 = pixel4(src_row + xt[ox + 3].lo);
    __m128 h0 = pixel4(src_row + xt[ox].hi), h1 = pixel4(src_row + xt[ox + 1].hi);
    __m128 h2 = pixel4(src_row + xt[ox + 2].hi), h3 = pixel4(src_row + xt[ox + 3].hi);
    _MM_TRANSPOSE4_PS(l0, l1, l2, l3); /* l0 = R of the 4 pixels, l1 = G, l2 = B */
    _MM_TRANSPOSE4_PS(h0, h1, h2, h3);
    const __m128 t = _mm_setr_ps(xt[ox].t, xt[ox + 1].t, xt[ox + 2].t, xt[ox + 3].t);
    _mm_storeu_ps(r0 + ox, _mm_add_ps(l0, _mm_mul_ps(_mm_sub_ps(h0, l0), t)));
    _mm_storeu_ps(r1 + ox, _mm_add_ps(l1, _mm_mul_ps(_mm_sub_ps(h1, l1), t)));
    _mm_storeu_ps(r2 + ox, _mm_add_ps(l2, _mm_mul_ps(_mm_sub_ps(h2, l2), t)));
  }
  lerp_row_scalar(src_row, xt, ox, to, out_w, out);
}
#endif

/* `vector_end`: the output columns before it have both taps left of the row's last pixel. */
static void lerp_row(const uint8_t* src_row, const axis_tap* xt, int32_t vector_end, int32_t out_w,
                     float* out) {
#ifdef XFER_HAVE_SSE41_PATH
  if (__builtin_cpu_supports("sse4.1")) {
    lerp_row_sse41(src_row, xt, vector_end, out_w, out);
    lerp_row_scalar(src_row, xt, vector_end, out_w, out_w, out);
    return;
  }
#endif
  (void)vector_end;
  lerp_row_scalar(src_row, xt, 0, out_w, out_w, out);
}


/* Vertical pass and normalisation of one output row of one channel (contiguous: vectorises). */
XFER_HOT static void lerp_normalise(const float* top, const float* bottom, float ty, float scale_div,
                                    float mean, float stdv, int32_t out_w, float* restrict dst) {
  for (int32_t ox = 0; ox < out_w; ++ox) {
    const float tv = top[ox];
    const float v = tv + (bottom[ox] - tv) * ty;
    dst[ox] = (v / scale_div - mean) / stdv;
  }
}

static void preprocess_one(const uint8_t* img, int32_t h, int32_t w, int32_t out_h, int32_t out_w,
                           float scale_div, const float mean[3], const float stdv[3],
                           axis_tap* xt, axis_tap* yt, float* top, float* bottom, float* out) {
  compute_taps(w, out_w, 3, xt);
  compute_taps(h, out_h, 1, yt);
  const int64_t plane = (int64_t)out_h * out_w;
  const int64_t src_stride = 3 * (int64_t)w;
  const size_t row_floats = 3 * (size_t)out_w;
  int32_t vector_end = 0; /* taps are monotone: count the columns clear of the last pixel */
  while (vector_end < out_w && xt[vector_end].hi < 3 * (w - 1)) ++vector_end;
  int32_t top_row = -1, bottom_row = -1;
  for (int32_t oy = 0; oy < out_h; ++oy) {
    const int32_t y0 = yt[oy].lo, y1 = yt[oy].hi;
    if (y0 != top_row) {
      if (y0 == bottom_row) { /* moving down by one source row: reuse the lower row */
        float* tmp = top; top = bottom; bottom = tmp;
        top_row = bottom_row;
        bottom_row = -1;
      } else {
        lerp_row(img + y0 * src_stride, xt, vector_end, out_w, top);
        top_row = y0;
      }
    }
    if (y1 != bottom_row) {
      if (y1 == top_row) {
        memcpy(bottom, top, sizeof(float) * row_floats);
      } else {
        lerp_row(img + y1 * src_stride, xt, vector_end, out_w, bottom);
      }
      bottom_row = y1;
    }
    for (int c = 0; c < 3; ++c) {
      lerp_normalise(top + c * (int64_t)out_w, bottom + c * (int64_t)out_w, yt[oy].t, scale_div,
                     mean[c], stdv[c], out_w, out + c * plane + (int64_t)oy * out_w);
    }
  }
}

int xfer_preprocess_cpu(const uint8_t* pixels, const int64_t* offsets, const int32_t* heights,
                        const int32_t* widths, int32_t n, int32_t out_h, int32_t out_w,
                        float scale_div, float mean0, float mean1, float mean2, float std0,
                        float std1, float std2, float* out) {
  if (!pixels || !offsets || !heights || !widths || !out) return XFER_ERR_NULL_POINTER;
  if (n <= 0 || out_h <= 0 || out_w <= 0) return XFER_ERR_BAD_SHAPE;
  for (int32_t i = 0; i < n; ++i) {
    if (heights[i] <= 0 || widths[i] <= 0 || offsets[i] < 0) return XFER_ERR_BAD_SHAPE;
    if (widths[i] > INT32_MAX / 3) return XFER_ERR_BAD_SHAPE; /* byte offsets must fit int32 */
  }
  init_u8_table();
  const float mean[3] = {mean0, mean1, mean2};
  const float stdv[3] = {std0, std1, std2};
  axis_tap* xt = malloc(sizeof(axis_tap) * (size_t)out_w);
  axis_tap* yt = malloc(sizeof(axis_tap) * (size_t)out_h);
  float* rows = malloc(sizeof(float) * 6 * (size_t)out_w);
  int status = XFER_OK;
  if (!xt || !yt || !rows) {
    status = XFER_ERR_OUT_OF_MEMORY;
  } else {
    const int64_t image_floats = 3 * (int64_t)out_h * out_w;
    for (int32_t i = 0; i < n; ++i) {
      preprocess_one(pixels + offsets[i], heights[i], widths[i], out_h, out_w, scale_div, mean,
                     stdv, xt, yt, rows, rows + 3 * (size_t)out_w, out + i * image_floats);
    }
  }
  free(xt);
  free(yt);
  free(rows);
  return status;
}
