package dev.xfer.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xfer.testing.PointerScopeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CUDA kernels against the CPU kernels (themselves tested against TF's formula and LibTorch).
 * Runs only with {@code -Pgpu -Dsurefire.excludedGroups=} on a machine with a CUDA device.
 */
@Tag("gpu")
@ExtendWith(PointerScopeExtension.class)
class CudaKernelsTest {
  private Device cuda;

  @BeforeEach
  void requireDevice() {
    assumeTrue(torch.cuda_is_available(), "no CUDA device visible to LibTorch");
    assumeTrue(NativeKernels.xfer_has_cuda_kernels() == 1, "libxfer_kernels built without CUDA kernels");
    cuda = new Device("cuda:0");
  }

  @Test
  void preprocessMatchesCpu() {
    Random rng = new Random(1);
    int[][] sizes = {{375, 500}, {71, 97}, {224, 224}, {7, 10}, {500, 333}};
    List<Tensor> cpuImages = new ArrayList<>();
    List<Tensor> gpuImages = new ArrayList<>();
    for (int[] s : sizes) {
      Tensor img = Fixtures.imageTensor(Fixtures.randomPixels(rng, s[0], s[1]), s[0], s[1]);
      cpuImages.add(img);
      gpuImages.add(img.to(cuda, ScalarType.Byte));
    }
    for (int[] out : new int[][] {{224, 224}, {299, 299}, {31, 17}}) {
      float[] cpu = Tensors.toFloatArray(PreprocessKernel.run(cpuImages, out[0], out[1], Normalization.KERAS_XCEPTION));
      float[] gpu = Tensors.toFloatArray(PreprocessKernel.run(gpuImages, out[0], out[1], Normalization.KERAS_XCEPTION));
      float err = Fixtures.maxAbsError(gpu, cpu);
      assertTrue(err <= 1e-5f, "max |cuda - cpu| = " + err + " at " + out[0] + "x" + out[1]);
    }
  }

  @Test
  void headKernelsMatchCpu() {
    Random rng = new Random(2);
    int[][] shapes = {{32, 2048, 7, 5}, {3, 2048, 10, 1000}, {5, 33, 3, 7}};
    for (int[] s : shapes) {
      Tensor x = Fixtures.uniform(rng, 0f, 4f, s[0], s[1], s[2], s[2]);
      Tensor w = Fixtures.uniform(rng, -0.05f, 0.05f, s[3], s[1]);
      Tensor b = Fixtures.uniform(rng, -0.5f, 0.5f, s[3]);
      Tensor xg = x.to(cuda, ScalarType.Float);
      Tensor wg = w.to(cuda, ScalarType.Float);
      Tensor bg = b.to(cuda, ScalarType.Float);
      close("probs", HeadKernel.forward(xg, wg, bg), HeadKernel.forward(x, w, b));
      Tensor pooled = HeadKernel.pool(x);
      close("pooled", HeadKernel.pool(xg), pooled);
      long[] y = new long[s[0]];
      for (int i = 0; i < y.length; i++) y[i] = rng.nextInt(s[3]);
      Tensor labels = Tensors.ofLongs(y);
      HeadGradients cpu = HeadKernel.trainStep(pooled, w, b, labels);
      HeadGradients gpu = HeadKernel.trainStep(pooled.to(cuda, ScalarType.Float), wg, bg, labels.to(cuda, ScalarType.Long));
      close("loss", gpu.loss(), cpu.loss());
      close("grad weight", gpu.gradWeight(), cpu.gradWeight());
      close("grad bias", gpu.gradBias(), cpu.gradBias());
      close("grad logits", gpu.gradLogits(), cpu.gradLogits());
    }
  }

  private static void close(String what, Tensor gpu, Tensor cpu) {
    double err = Fixtures.maxScaledError(Tensors.toFloatArray(gpu), Tensors.toFloatArray(cpu));
    assertTrue(err <= 1e-5, what + ": max |cuda - cpu| / max |cpu| = " + err);
  }
}
