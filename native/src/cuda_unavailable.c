/* CPU-only build: the CUDA entry points exist (so the Java binding links the same way everywhere)
 * and report XFER_ERR_NO_CUDA. */
#include "xfer/kernels.h"

int xfer_has_cuda_kernels(void) { return 0; }
int xfer_cuda_device_count(void) { return XFER_ERR_NO_CUDA; }
const char* xfer_last_cuda_error(void) { return "built without CUDA kernels (no nvcc at build time)"; }

int xfer_preprocess_cuda(const uint8_t* pixels, const int64_t* offsets, const int32_t* heights,
                         const int32_t* widths, int32_t n, int32_t out_h, int32_t out_w,
                         float scale_div, float mean0, float mean1, float mean2, float std0,
                         float std1, float std2, float* out, void* stream) {
  (void)pixels; (void)offsets; (void)heights; (void)widths; (void)n; (void)out_h; (void)out_w;
  (void)scale_div; (void)mean0; (void)mean1; (void)mean2; (void)std0; (void)std1; (void)std2;
  (void)out; (void)stream;
  return XFER_ERR_NO_CUDA;
}

int xfer_head_forward_cuda(const float* x, const float* weight, const float* bias, int64_t n,
                           int64_t c, int64_t hw, int64_t k, float* probs, void* stream) {
  (void)x; (void)weight; (void)bias; (void)n; (void)c; (void)hw; (void)k; (void)probs; (void)stream;
  return XFER_ERR_NO_CUDA;
}

int xfer_head_pool_cuda(const float* x, int64_t n, int64_t c, int64_t hw, float* pooled,
                        void* stream) {
  (void)x; (void)n; (void)c; (void)hw; (void)pooled; (void)stream;
  return XFER_ERR_NO_CUDA;
}

int xfer_head_train_step_cuda(const float* pooled, const float* weight, const float* bias,
                              const int64_t* labels, int64_t n, int64_t c, int64_t k, float* loss,
                              float* sample_loss, float* grad_logits, float* grad_weight,
                              float* grad_bias, void* stream) {
  (void)pooled; (void)weight; (void)bias; (void)labels; (void)n; (void)c; (void)k; (void)loss;
  (void)sample_loss; (void)grad_logits; (void)grad_weight; (void)grad_bias; (void)stream;
  return XFER_ERR_NO_CUDA;
}
