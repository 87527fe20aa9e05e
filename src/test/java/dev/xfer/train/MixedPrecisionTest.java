package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.data.GeneratedImages;
import dev.xfer.data.LabeledBatch;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.Numerics;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.testing.PointerScopeExtension;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** bf16 autocast: matrix products run in bf16 inside, float32 master weights get float32 gradients. */
@ExtendWith(PointerScopeExtension.class)
class MixedPrecisionTest {
  @Test
  void autocastRunsLinearInBf16AndKeepsFloatMasterWeights() {
    Tensor w = Tensors.ofFloats(new float[] {0.5f, -1f, 2f, 0.25f}, 2, 2).requires_grad_(true);
    Tensor x = Tensors.ofFloats(new float[] {1f, 2f}, 1, 2);
    Tensor y = MixedPrecision.run(true, () -> torch.linear(x, w, new TensorOptional()));
    assertEquals(ScalarType.BFloat16, y.scalar_type().intern(), "autocast output");
    assertFalse(torch.is_autocast_enabled(DeviceType.CPU), "state restored after the block");
    assertEquals(ScalarType.Float, torch.linear(x, w, new TensorOptional()).scalar_type().intern(), "outside: float32");
    MixedPrecision.toFloat(y).sum().backward();
    assertEquals(ScalarType.Float, w.grad().scalar_type().intern(), "gradient of the float32 master weight");
    // d(sum(x W^T))/dW = [x; x] (exact in bf16 for these values)
    float[] g = Tensors.toFloatArray(w.grad());
    assertEquals(List.of(1f, 2f, 1f, 2f), List.of(g[0], g[1], g[2], g[3]));
    assertTrue(MixedPrecision.cpuFlags().isEmpty() || MixedPrecision.cpuFlags().startsWith(" "));
  }

  /** A compact Xception under autocast computes the float32 network's logits to bf16 accuracy (8-bit mantissa). */
  @Test
  void xceptionUnderAutocastMatchesFloat32WithinBf16Precision() {
    torch.manual_seed(2);
    Xception model = new Xception(new XceptionConfig(0.125, 1, 3, Numerics.KERAS));
    model.eval();
    LabeledBatch b = new GeneratedImages(4, 71, 3, 9).batch(new int[] {0, 1, 2, 3});
    float[] exact = Tensors.toFloatArray(model.forwardFeatures(b.inputs()));
    Tensor mixed = MixedPrecision.run(true, () -> model.forwardFeatures(b.inputs()));
    assertEquals(ScalarType.BFloat16, mixed.scalar_type().intern(), "the convolutions ran in bf16");
    float[] approx = Tensors.toFloatArray(mixed);
    double maxAbs = 0;
    double maxErr = 0;
    for (int i = 0; i < exact.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(exact[i]));
      maxErr = Math.max(maxErr, Math.abs(exact[i] - approx[i]));
    }
    System.out.printf("bf16 autocast vs float32 features: max |err| %.3e of max |x| %.3e%n", maxErr, maxAbs);
    assertTrue(maxErr < 0.05 * maxAbs, "error " + maxErr + " vs " + maxAbs);
    assertTrue(maxErr > 0, "autocast changed the arithmetic");
  }
}
