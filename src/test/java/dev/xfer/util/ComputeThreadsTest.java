package dev.xfer.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xfer.kernels.NativeKernels;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** --threads sizes LibTorch's intra-op pool; OpenBLAS, which LibTorch calls between its own parallel ops, runs on one. */
class ComputeThreadsTest {
  @Test
  void setsLibTorchsThreadsAndKeepsOpenBlasOnOne() {
    assumeTrue(System.getenv("OPENBLAS_NUM_THREADS") == null, "OPENBLAS_NUM_THREADS is exported: it wins by design");
    int torchBefore = torch.get_num_threads(); // LibTorch, and the OpenBLAS it links, are loaded from here on
    int blasBefore = ComputeThreads.blasThreads();
    assumeTrue(blasBefore > 0, "this LibTorch build loads no OpenBLAS");
    try {
      NativeKernels.xfer_blas_set_threads(2); // as OpenBLAS starts on a 2-core machine
      for (int threads : new int[] {1, 2, 3}) {
        ComputeThreads.set(threads);
        assertEquals(threads, torch.get_num_threads(), "LibTorch intra-op threads");
        assertEquals(1, ComputeThreads.blasThreads(), "OpenBLAS threads");
      }
    } finally {
      torch.set_num_threads(torchBefore);
      NativeKernels.xfer_blas_set_threads(blasBefore);
    }
  }

  @Test
  void startUpLeavesOpenBlasOnOneThread() {
    assumeTrue(System.getenv("OPENBLAS_NUM_THREADS") == null, "OPENBLAS_NUM_THREADS is exported: it wins by design");
    NativeRuntime.start();
    assumeTrue(ComputeThreads.blasThreads() > 0, "this LibTorch build loads no OpenBLAS");
    // OpenBLAS itself starts with one thread per core; without --threads, xfer's start-up is what sets it
    assertEquals(1, ComputeThreads.blasThreads(), "OpenBLAS threads after start-up");
  }

  @Test
  void rejectsFewerThanOneThread() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ComputeThreads.set(0));
    assertEquals("--threads: expected at least 1, found 0", e.getMessage());
  }
}
