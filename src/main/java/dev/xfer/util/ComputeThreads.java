package dev.xfer.util;

import dev.xfer.kernels.NativeKernels;
import org.bytedeco.pytorch.global.torch;

/**
 * One thread budget for all of a process's CPU compute: LibTorch's intra-op pool gets {@code --threads},
 * and the OpenBLAS pool that LibTorch's CPU build calls for float32 matrix products and for small 1x1
 * convolutions (batch 1 with at most 20,480 input values, or one intra-op thread and a batch under 16)
 * runs on the calling thread alone.
 *
 * <p>OpenBLAS sizes its pool from the core count and ignores LibTorch's setting; its workers keep
 * spinning for a while after each call, on the cores LibTorch's own threads need next. With both pools
 * at 2 threads on 2 cores, Keras' Xception at 71 px and batch 1, whose middle-flow 1x1 convolutions are
 * that small, took 415 ms per forward against 44 ms with OpenBLAS on one thread (benchmarks/RESULTS.md).
 * An {@code OPENBLAS_NUM_THREADS} the user exported is left alone.
 */
public final class ComputeThreads {
  private ComputeThreads() {}

  /** Sets LibTorch's intra-op threads to {@code threads} and, unless OPENBLAS_NUM_THREADS is set, OpenBLAS's to 1. */
  public static void set(int threads) {
    if (threads < 1) throw new IllegalArgumentException("--threads: expected at least 1, found " + threads);
    torch.set_num_threads(threads);
    keepBlasOnCallingThread();
  }

  /** OpenBLAS on the calling thread alone, unless the user exported OPENBLAS_NUM_THREADS. */
  static void keepBlasOnCallingThread() {
    if (System.getenv("OPENBLAS_NUM_THREADS") == null) NativeKernels.xfer_blas_set_threads(1);
  }

  /** OpenBLAS's threads now, or 0 when no OpenBLAS is loaded. */
  public static int blasThreads() {
    return NativeKernels.xfer_blas_threads();
  }
}
