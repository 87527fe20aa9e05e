/* Status codes of the flat C API, as text. */
#include "xfer/kernels.h"

const char* xfer_status_string(int status) {
  switch (status) {
    case XFER_OK: return "ok";
    case XFER_ERR_NULL_POINTER: return "a required pointer was NULL";
    case XFER_ERR_BAD_SHAPE: return "a size was zero, negative or inconsistent";
    case XFER_ERR_BAD_LABEL: return "a label was outside [0, K)";
    case XFER_ERR_NO_CUDA: return "this build of libxfer_kernels has no CUDA kernels";
    case XFER_ERR_CUDA: return "a CUDA call failed";
    case XFER_ERR_OUT_OF_MEMORY: return "a host scratch allocation failed";
    case XFER_ERR_DECODE: return "an image could not be decoded";
    case XFER_ERR_UNSUPPORTED: return "this CPU lacks the instructions the kernel needs (AVX-512)";
    default: return "unknown status";
  }
}
