package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.kernels.Tensors;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** bf16 autocast: matrix products run in bf16 inside, float32 master weights get float32 gradients. */
class MixedPrecisionTest {
  @Test
  void autocastRunsLinearInBf16AndKeepsFloatMasterWeights() {
    try (PointerScope scope = new PointerScope()) {
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
  }
}
