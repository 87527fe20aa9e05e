package dev.xfer.kernels;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The JavaCPP binding of {@code native/include/xfer/kernels.h}, one Java method per C function.
 *
 * <p>Pointers travel as raw native addresses ({@code long}), which keeps the C API free of LibTorch.
 * Nothing here checks its arguments: use {@link PreprocessKernel} and {@link HeadKernel}, which
 * validate LibTorch tensors first and turn status codes into exceptions.
 */
@Platform(include = "xfer/kernels.h", link = "xfer_kernels")
public final class NativeKernels {
  static {
    Loader.load();
  }

  private NativeKernels() {}

  public static final int XFER_OK = 0;
  public static final int XFER_ERR_NULL_POINTER = -1;
  public static final int XFER_ERR_BAD_SHAPE = -2;
  public static final int XFER_ERR_BAD_LABEL = -3;
  public static final int XFER_ERR_NO_CUDA = -4;
  public static final int XFER_ERR_CUDA = -5;
  public static final int XFER_ERR_OUT_OF_MEMORY = -6;
  public static final int XFER_ERR_DECODE = -7;
  public static final int XFER_ERR_UNSUPPORTED = -8;
  public static final int XFER_DTYPE_FLOAT32 = 0;
  public static final int XFER_DTYPE_BFLOAT16 = 1;
  public static final int XFER_JPEG_IDCT_FAST = 0;
  public static final int XFER_JPEG_IDCT_ACCURATE = 1;

  public static native @Cast("const char*") String xfer_status_string(int status);

  public static native int xfer_blas_threads();

  public static native int xfer_blas_set_threads(int threads);

  public static native int xfer_native_heap_limit_arenas(int arenas);

  public static native int xfer_native_heap_trim();

  public static native int xfer_has_cuda_kernels();

  public static native int xfer_cuda_device_count();

  public static native @Cast("const char*") String xfer_last_cuda_error();

  public static native int xfer_preprocess_cpu(
      @Cast("const uint8_t*") long pixels,
      @Cast("const int64_t*") long offsets,
      @Cast("const int32_t*") long heights,
      @Cast("const int32_t*") long widths,
      int n, int outH, int outW,
      float scaleDiv, float mean0, float mean1, float mean2, float std0, float std1, float std2,
      @Cast("float*") long out);

  public static native int xfer_preprocess_cuda(
      @Cast("const uint8_t*") long pixels,
      @Cast("const int64_t*") long offsets,
      @Cast("const int32_t*") long heights,
      @Cast("const int32_t*") long widths,
      int n, int outH, int outW,
      float scaleDiv, float mean0, float mean1, float mean2, float std0, float std1, float std2,
      @Cast("float*") long out,
      @Cast("void*") long stream);

  public static native int xfer_head_forward_cpu(
      @Cast("const float*") long x, @Cast("const float*") long weight, @Cast("const float*") long bias,
      @Cast("int64_t") long n, @Cast("int64_t") long c, @Cast("int64_t") long hw, @Cast("int64_t") long k,
      @Cast("float*") long probs);

  public static native int xfer_head_forward_cuda(
      @Cast("const float*") long x, @Cast("const float*") long weight, @Cast("const float*") long bias,
      @Cast("int64_t") long n, @Cast("int64_t") long c, @Cast("int64_t") long hw, @Cast("int64_t") long k,
      @Cast("float*") long probs, @Cast("void*") long stream);

  public static native int xfer_head_pool_cpu(
      @Cast("const float*") long x,
      @Cast("int64_t") long n, @Cast("int64_t") long c, @Cast("int64_t") long hw,
      @Cast("float*") long pooled);

  public static native int xfer_head_pool_cuda(
      @Cast("const float*") long x,
      @Cast("int64_t") long n, @Cast("int64_t") long c, @Cast("int64_t") long hw,
      @Cast("float*") long pooled, @Cast("void*") long stream);

  /** Keras SGD in one pass; each pointer argument is the address of a native array of {@code count} entries. */
  public static native int xfer_keras_sgd_cpu(
      int count, @Cast("float* const*") long params, @Cast("float* const*") long velocities,
      @Cast("const float* const*") long grads, @Cast("const int64_t*") long lengths,
      @Cast("const float*") long negLrs, float momentum, int nesterov, int threads);

  /** 1 when this CPU runs the depthwise kernels (AVX-512 F, BW and VL), else 0. */
  public static native int xfer_depthwise3x3_cpu_supported();

  /** Backward pass of a 3x3 depthwise convolution, channels-last; gradInput or gradWeight may be 0 (not wanted). */
  public static native int xfer_depthwise3x3_backward_cpu(
      int dtype, @Cast("const void*") long input, @Cast("const void*") long gradOutput, @Cast("const float*") long weight,
      @Cast("int64_t") long n, @Cast("int64_t") long h, @Cast("int64_t") long w, @Cast("int64_t") long c,
      @Cast("void*") long gradInput, @Cast("float*") long gradWeight, int threads);

  public static native int xfer_head_train_step_cpu(
      @Cast("const float*") long pooled, @Cast("const float*") long weight,
      @Cast("const float*") long bias, @Cast("const int64_t*") long labels,
      @Cast("int64_t") long n, @Cast("int64_t") long c, @Cast("int64_t") long k,
      @Cast("float*") long loss, @Cast("float*") long sampleLoss, @Cast("float*") long gradLogits,
      @Cast("float*") long gradWeight, @Cast("float*") long gradBias);

  public static native int xfer_head_train_step_cuda(
      @Cast("const float*") long pooled, @Cast("const float*") long weight,
      @Cast("const float*") long bias, @Cast("const int64_t*") long labels,
      @Cast("int64_t") long n, @Cast("int64_t") long c, @Cast("int64_t") long k,
      @Cast("float*") long loss, @Cast("float*") long sampleLoss, @Cast("float*") long gradLogits,
      @Cast("float*") long gradWeight, @Cast("float*") long gradBias, @Cast("void*") long stream);

  public static native int xfer_jpeg_decode_rgb(
      @Cast("const uint8_t*") long data, @Cast("int64_t") long size, int idct,
      @Cast("uint8_t*") long out, @Cast("int64_t") long capacity,
      @Cast("int32_t*") long height, @Cast("int32_t*") long width);

  public static native @Cast("const char*") String xfer_jpeg_last_error();
}
