package dev.xfer.util;

import dev.xfer.kernels.NativeKernels;
import org.bytedeco.pytorch.global.torch;

/**
 * One thread count for all of a process's CPU compute: LibTorch's intra-op pool and the OpenBLAS
 * pool that LibTorch's CPU build calls for float32 matrix products and NCHW 1x1 convolutions.
 *
 * <p>OpenBLAS sizes its pool from the core count and ignores LibTorch's setting, so before this
 * {@code --threads 1} still ran those operations on every core (on a busy 2-core machine the
 * pointwise half of a separable convolution was 2.6-7.9x slower for it). An {@code
 * OPENBLAS_NUM_THREADS} the user exported is left alone.
 */
public final class ComputeThreads {
  private ComputeThreads() {}

  /** Sets LibTorch's intra-op threads and, unless OPENBLAS_NUM_THREADS is set, OpenBLAS's. */
  public static void set(int threads) {
    if (threads < 1) throw new IllegalArgumentException("--threads: expected at least 1, found " + threads);
    torch.set_num_threads(threads);
    if (System.getenv("OPENBLAS_NUM_THREADS") == null) NativeKernels.xfer_blas_set_threads(threads);
  }

  /** OpenBLAS's threads now, or 0 when no OpenBLAS is loaded. */
  public static int blasThreads() {
    return NativeKernels.xfer_blas_threads();
  }
}
