/*
 * xfer embedding library, C ABI: open an xfer model file, embed or classify uint8 RGB images, close.
 * For C and for languages with a C FFI (Rust, Go, Python ctypes, ...). The C++ API is xfer/embed.hpp.
 *
 * Functions returning int give 0 on success and -1 on failure; functions returning a pointer give
 * NULL on failure. Either way xfer_last_error() then says why (one line, naming the file or argument).
 * A model may be used from several threads at once; the error text is per thread.
 */
#ifndef XFER_EMBED_H
#define XFER_EMBED_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xfer_model xfer_model;

/* Opens an xfer model file or a timm legacy_xception .safetensors on `device`: "cpu" (or NULL),
 * "cuda" or "cuda:N". */
xfer_model* xfer_model_open(const char* path, const char* device);

/* Frees the model (NULL is accepted). */
void xfer_model_close(xfer_model* model);

/* What the file describes: the preprocess size S, the feature channels C, the classes K (0 when the
 * model has no classifier), and the name of class k (NULL when out of range or unnamed). */
int32_t xfer_model_image_size(const xfer_model* model);
int64_t xfer_model_feature_channels(const xfer_model* model);
int32_t xfer_model_num_classes(const xfer_model* model);
const char* xfer_model_class_name(const xfer_model* model, int32_t k);

/* Pooled features of n images: image i is heights[i] x widths[i] x 3 bytes (HWC RGB) at images[i].
 * out: (n, C) float32, row-major, host memory. */
int xfer_model_embed(const xfer_model* model, const uint8_t* const* images, const int32_t* heights,
                     const int32_t* widths, int32_t n, float* out);

/* Class probabilities of n images (same image arguments); out: (n, K) float32, host memory. */
int xfer_model_predict(const xfer_model* model, const uint8_t* const* images, const int32_t* heights,
                       const int32_t* widths, int32_t n, float* out);

/* Why the last failing call of this thread failed, or "" (thread-local storage). */
const char* xfer_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* XFER_EMBED_H */
