/*
 * xfer kernels: a flat C API over the image-preprocessing and classifier-head kernels.
 *
 * Shape vocabulary (used everywhere in xfer, Java Javadoc included):
 *   N  batch          C  channels        H, W  spatial (input)     K  classes
 *   OH, OW  output spatial size of the preprocess kernel           HW = H * W
 *
 * Every kernel exists twice behind the same signature: `_cpu` (always built; the reference
 * accumulates in double) and `_cuda` (built when a CUDA toolkit is found; takes a cudaStream_t
 * as `void* stream`, all pointers are device pointers, the call is asynchronous on that stream).
 * All tensors are dense and C-contiguous in the layout stated beside each pointer.
 *
 * Return value: XFER_OK (0) or a negative XFER_ERR_* code; xfer_status_string() describes it.
 * Kernels never abort the process: invalid arguments are reported, not asserted.
 */
#ifndef XFER_KERNELS_H
#define XFER_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XFER_OK 0
#define XFER_ERR_NULL_POINTER -1   /* a required pointer was NULL */
#define XFER_ERR_BAD_SHAPE -2      /* a size was zero, negative or inconsistent */
#define XFER_ERR_BAD_LABEL -3      /* a label was outside [0, K) */
#define XFER_ERR_NO_CUDA -4        /* the library was built without CUDA kernels */
#define XFER_ERR_CUDA -5           /* a CUDA launch failed (see xfer_last_cuda_error) */
#define XFER_ERR_OUT_OF_MEMORY -6  /* a host scratch allocation failed */
#define XFER_ERR_DECODE -7         /* an image could not be decoded (see xfer_jpeg_last_error) */
#define XFER_ERR_UNSUPPORTED -8    /* this CPU lacks the instructions the kernel needs */

/* Human-readable text for a status code (static storage). */
const char* xfer_status_string(int status);

/* Threads of the OpenBLAS loaded in this process (LibTorch's CPU BLAS), or 0 when none is loaded. */
int xfer_blas_threads(void);

/* Sets them (threads >= 1, else XFER_ERR_BAD_SHAPE); returns the count now in effect, 0 when no
 * OpenBLAS is loaded (nothing is loaded by this call). */
int xfer_blas_set_threads(int threads);

/* Caps glibc's malloc arenas at `arenas` (>= 1, else XFER_ERR_BAD_SHAPE) for arenas created from now on;
 * 1 when applied, 0 on a C library without the setting. */
int xfer_native_heap_limit_arenas(int arenas);

/* Returns free memory of glibc's malloc heaps to the system (malloc_trim(0)); 1 when some was
 * released, 0 when none was or the C library has no such call. */
int xfer_native_heap_trim(void);

/* 1 when this build contains CUDA kernels, else 0. */
int xfer_has_cuda_kernels(void);

/* Number of usable CUDA devices (>= 0), or XFER_ERR_NO_CUDA when built without CUDA kernels, or
 * XFER_ERR_CUDA when the CUDA runtime failed (no driver, ...: see xfer_last_cuda_error). */
int xfer_cuda_device_count(void);

/* Text of the last CUDA error seen by this thread, or "" (static/thread-local storage). */
const char* xfer_last_cuda_error(void);

/* ---------------------------------------------------------------------------------------------
 * preprocess: N uint8 HWC RGB images, each of its own H x W, to float32 NCHW (N, 3, OH, OW).
 *
 * Resize is tf.image.resize(method=bilinear, antialias=False): half-pixel centres, edge clamp,
 * all in float32 in TF's operation order (no fused multiply-add):
 *   scale = (float)in / (float)out;  f = ((float)o + 0.5f) * scale - 0.5f;
 *   lo = max(floor(f), 0);  hi = min(ceil(f), in - 1);  t = f - floor(f);
 *   top = tl + (tr - tl) * tx;  bottom = bl + (br - bl) * tx;  v = top + (bottom - top) * ty;
 * fused with normalisation per channel c:  out = (v / scale_div - mean[c]) / std[c].
 *   Keras Xception (x / 127.5 - 1):  scale_div = 127.5, mean = {1,1,1}, std = {1,1,1}
 *   torchvision ImageNet:            scale_div = 255,   mean = {0.485,0.456,0.406}, std = {0.229,0.224,0.225}
 * ------------------------------------------------------------------------------------------- */
int xfer_preprocess_cpu(
    const uint8_t* pixels,   /* all images packed: image i starts at pixels + offsets[i], HWC RGB */
    const int64_t* offsets,  /* (N) byte offset of each image in `pixels` */
    const int32_t* heights,  /* (N) H of each image */
    const int32_t* widths,   /* (N) W of each image */
    int32_t n, int32_t out_h, int32_t out_w,
    float scale_div, float mean0, float mean1, float mean2, float std0, float std1, float std2,
    float* out);             /* (N, 3, OH, OW) */

int xfer_preprocess_cuda(
    const uint8_t* pixels, const int64_t* offsets, const int32_t* heights, const int32_t* widths,
    int32_t n, int32_t out_h, int32_t out_w,
    float scale_div, float mean0, float mean1, float mean2, float std0, float std1, float std2,
    float* out, void* stream);

/* ---------------------------------------------------------------------------------------------
 * head: global average pool -> dense -> softmax, without materialising the pooled (N, C) tensor.
 *   pooled[n,c] = mean over HW of x[n,c,:,:];  logits[n,k] = bias[k] + sum_c weight[k,c] * pooled[n,c]
 *   probs[n,:]  = softmax(logits[n,:])  (max-subtracted)
 * ------------------------------------------------------------------------------------------- */
int xfer_head_forward_cpu(
    const float* x,          /* (N, C, H, W) feature map, NCHW */
    const float* weight,     /* (K, C) dense weight, row-major (LibTorch Linear layout) */
    const float* bias,       /* (K) */
    int64_t n, int64_t c, int64_t hw, int64_t k,
    float* probs);           /* (N, K) */

int xfer_head_forward_cuda(
    const float* x, const float* weight, const float* bias,
    int64_t n, int64_t c, int64_t hw, int64_t k,
    float* probs, void* stream);

/* Pooled features only: pooled[n,c] = mean over HW of x[n,c,:,:]. */
int xfer_head_pool_cpu(const float* x /* (N, C, H, W) */, int64_t n, int64_t c, int64_t hw,
                       float* pooled /* (N, C) */);

int xfer_head_pool_cuda(const float* x, int64_t n, int64_t c, int64_t hw, float* pooled,
                        void* stream);

/* ---------------------------------------------------------------------------------------------
 * head training step on pooled features, for sparse softmax cross-entropy (mean over the batch):
 *   sample_loss[n] = logsumexp(logits[n,:]) - logits[n, labels[n]];  loss = mean_n sample_loss[n]
 *   grad_logits[n,k] = (probs[n,k] - [k == labels[n]]) / N
 *   grad_weight[k,c] = sum_n grad_logits[n,k] * pooled[n,c];  grad_bias[k] = sum_n grad_logits[n,k]
 * Every output is overwritten (no accumulation into existing gradients).
 * The CPU version rejects a label outside [0, K) with XFER_ERR_BAD_LABEL before writing anything;
 * the CUDA version cannot report from the device, so it writes NaN into sample_loss and loss for
 * such a sample (callers validate labels first; xfer's Java wrapper does).
 * ------------------------------------------------------------------------------------------- */
int xfer_head_train_step_cpu(
    const float* pooled,     /* (N, C) */
    const float* weight,     /* (K, C) */
    const float* bias,       /* (K) */
    const int64_t* labels,   /* (N) class indices in [0, K) */
    int64_t n, int64_t c, int64_t k,
    float* loss,             /* (1) mean cross-entropy */
    float* sample_loss,      /* (N) per-sample cross-entropy */
    float* grad_logits,      /* (N, K) d loss / d logits */
    float* grad_weight,      /* (K, C) */
    float* grad_bias);       /* (K) */

int xfer_head_train_step_cuda(
    const float* pooled, const float* weight, const float* bias, const int64_t* labels,
    int64_t n, int64_t c, int64_t k,
    float* loss, float* sample_loss, float* grad_logits, float* grad_weight, float* grad_bias,
    void* stream);

/* ---------------------------------------------------------------------------------------------
 * Keras' SGD with momentum (TF's ResourceApplyKerasMomentum), in place, in one pass over `count`
 * float32 tensors of lengths[t] values each (params, velocities and grads of one tensor share a
 * dense layout):
 *   v = v * momentum + g * neg_lrs[t];  p = p + v
 *   nesterov:  v as above;  p = p + (v * momentum + g * neg_lrs[t])
 * neg_lrs[t] is minus the learning rate of tensor t. Each product and sum is rounded to float in
 * that order, as LibTorch's element-wise operations compute it op by op: the results are
 * bit-identical. A tensor whose grads[t] is NULL is left alone (a parameter without a gradient).
 * The values are split evenly over up to `threads` threads, the calling one included.
 * ------------------------------------------------------------------------------------------- */
int xfer_keras_sgd_cpu(
    int count,
    float* const* params,        /* (count) each (lengths[t]) */
    float* const* velocities,    /* (count) each (lengths[t]) */
    const float* const* grads,   /* (count) each (lengths[t]) or NULL */
    const int64_t* lengths,      /* (count) */
    const float* neg_lrs,        /* (count) */
    float momentum, int nesterov, int threads);

/* ---------------------------------------------------------------------------------------------
 * Backward pass of a 3x3 depthwise convolution, stride 1, padding 1 (TF 'same'), no bias, in one
 * pass over channels-last (N, H, W, C) tensors:
 *   grad_input[n,y,x,c]  = sum_ij grad_output[n, y-i+1, x-j+1, c] * weight[i,j,c]
 *   grad_weight[i,j,c]   = sum_nyx input[n, y+i-1, x+j-1, c] * grad_output[n,y,x,c]
 * (terms outside the map left out). dtype XFER_DTYPE_FLOAT32 or XFER_DTYPE_BFLOAT16 is the type of
 * input, grad_output and grad_input; weight and grad_weight are float32 in (3, 3, C) order (LibTorch's
 * (C, 1, 3, 3) transposed). Sums are float32 with fused multiply-adds, bf16 results rounded to nearest
 * even. grad_input or grad_weight may be NULL (not wanted), not both. Rows are split over up to
 * `threads` threads, each summing its own weight gradient (added in thread order). Needs AVX-512
 * F/BW/VL: XFER_ERR_UNSUPPORTED elsewhere (xfer_depthwise3x3_cpu_supported says which).
 * ------------------------------------------------------------------------------------------- */
#define XFER_DTYPE_FLOAT32 0
#define XFER_DTYPE_BFLOAT16 1

int xfer_depthwise3x3_cpu_supported(void);

int xfer_depthwise3x3_backward_cpu(
    int dtype,
    const void* input,        /* (N, H, W, C) */
    const void* grad_output,  /* (N, H, W, C) */
    const float* weight,      /* (3, 3, C) */
    int64_t n, int64_t h, int64_t w, int64_t c,
    void* grad_input,         /* (N, H, W, C) or NULL */
    float* grad_weight,       /* (3, 3, C) or NULL */
    int threads);

/* ---------------------------------------------------------------------------------------------
 * JPEG decode with the libjpeg-turbo linked into this library, set up as TensorFlow's
 * decode_jpeg(channels=3): fancy upsampling, no EXIF orientation, gray replicated to RGB,
 * CMYK/YCCK converted with TF's integer formula. idct picks the inverse DCT:
 *   XFER_JPEG_IDCT_FAST      libjpeg's JDCT_IFAST (TF's default dct_method "": tfds, Keras)
 *   XFER_JPEG_IDCT_ACCURATE  JDCT_ISLOW (TF's "INTEGER_ACCURATE"; OpenCV, PIL, torchvision)
 * Always writes the decoded size to *height and *width; when out is NULL or capacity (bytes) is
 * below H * W * 3 it decodes nothing and returns XFER_ERR_BAD_SHAPE, so a caller can size a buffer
 * from one call. A corrupt file returns XFER_ERR_DECODE and xfer_jpeg_last_error() says why.
 * ------------------------------------------------------------------------------------------- */
#define XFER_JPEG_IDCT_FAST 0
#define XFER_JPEG_IDCT_ACCURATE 1

int xfer_jpeg_decode_rgb(
    const uint8_t* data, int64_t size,  /* the JPEG file's bytes */
    int32_t idct,
    uint8_t* out, int64_t capacity,     /* (H, W, 3) RGB, row-major */
    int32_t* height, int32_t* width);   /* (1) each: the decoded H and W */

/* Message of the last failed xfer_jpeg_decode_rgb on this thread, or "" (thread-local storage). */
const char* xfer_jpeg_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* XFER_KERNELS_H */
