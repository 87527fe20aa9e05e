package dev.xfer.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xfer.kernels.NativeKernels;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** --threads reaches both of LibTorch's CPU pools: its intra-op threads and OpenBLAS's. */
class ComputeThreadsTest {
  @Test
  void setsLibTorchAndOpenBlasTogether() {
    assumeTrue(System.getenv("OPENBLAS_NUM_THREADS") == null, "OPENBLAS_NUM_THREADS is exported: it wins by design");
    int torchBefore = torch.get_num_threads(); // LibTorch, and the OpenBLAS it links, are loaded from here on
    int blasBefore = ComputeThreads.blasThreads();
    assumeTrue(blasBefore > 0, "this LibTorch build loads no OpenBLAS");
    try {
      for (int threads : new int[] {1, 2, 1}) {
        ComputeThreads.set(threads);
        assertEquals(threads, torch.get_num_threads(), "LibTorch intra-op threads");
        assertEquals(threads, ComputeThreads.blasThreads(), "OpenBLAS threads");
      }
    } finally {
      torch.set_num_threads(torchBefore);
      NativeKernels.xfer_blas_set_threads(blasBefore);
    }
  }

  @Test
  void rejectsFewerThanOneThread() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ComputeThreads.set(0));
    assertEquals("--threads: expected at least 1, found 0", e.getMessage());
  }
}
