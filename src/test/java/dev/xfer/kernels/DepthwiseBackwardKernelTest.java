package dev.xfer.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xfer.testing.PointerScopeExtension;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The native depthwise backward pass against LibTorch's ({@code convolution_backward}), the oracle. */
@ExtendWith(PointerScopeExtension.class)
class DepthwiseBackwardKernelTest {

  /**
   * Real shapes of the full Xception at 224 px (batch 2) and awkward ones (channels off the 16-lane blocks,
   * a one-pixel map), float32: the input gradient within 1e-5 and the weight gradient within 1e-3 of the
   * largest reference value, and (independently of {@link DepthwiseBackwardKernel#agree}) the summed squared
   * difference small against the reference's.
   */
  @Test
  void float32GradientsMatchLibTorchs() {
    assumeTrue(DepthwiseBackwardKernel.available(), "this CPU lacks AVX-512");
    torch.manual_seed(5);
    long[][] shapes = {{2, 128, 109, 109}, {2, 728, 14, 14}, {2, 1536, 7, 7}, {3, 40, 5, 9}, {1, 17, 1, 1}};
    for (long[] shape : shapes) {
      Tensor[] t = case_(shape, ScalarType.Float);
      Tensor[] ours = DepthwiseBackwardKernel.kernel(t[0], t[1], t[2], true, true);
      Tensor[] theirs = DepthwiseBackwardKernel.reference(t[0], t[1], t[2], true, true);
      assertNull(DepthwiseBackwardKernel.agree(ours, theirs, false), () -> java.util.Arrays.toString(shape));
      for (int i = 0; i < 2; i++) {
        double error = ours[i].sub(theirs[i]).pow(new org.bytedeco.pytorch.Scalar(2)).sum().item_double();
        double size = theirs[i].pow(new org.bytedeco.pytorch.Scalar(2)).sum().item_double();
        assertTrue(error <= 1e-10 * size, () -> java.util.Arrays.toString(shape) + ": relative squared error " + error / size);
      }
      assertTrue(ours[0].is_contiguous(MemoryFormat.ChannelsLast), "the input gradient keeps the input's layout");
      assertEquals(ScalarType.Float, ours[1].scalar_type().intern());
    }
  }

  /** bf16 at a real shape: both sides round to 8 significant bits, so they agree within 2^-6 of the largest value. */
  @Test
  void bf16GradientsMatchLibTorchs() {
    assumeTrue(DepthwiseBackwardKernel.available(), "this CPU lacks AVX-512");
    torch.manual_seed(6);
    for (long[] shape : new long[][] {{2, 256, 55, 55}, {1, 24, 3, 2}}) {
      Tensor[] t = case_(shape, ScalarType.BFloat16);
      Tensor[] ours = DepthwiseBackwardKernel.kernel(t[0], t[1], t[2], true, true);
      assertEquals(ScalarType.BFloat16, ours[0].scalar_type().intern());
      assertNull(DepthwiseBackwardKernel.agree(ours, DepthwiseBackwardKernel.reference(t[0], t[1], t[2], true, true), true));
    }
  }

  /** A gradient left out is not computed, and the one asked for is the same as when both are. */
  @Test
  void eitherGradientAlone() {
    assumeTrue(DepthwiseBackwardKernel.available(), "this CPU lacks AVX-512");
    Tensor[] t = case_(new long[] {2, 32, 6, 6}, ScalarType.Float);
    Tensor[] both = DepthwiseBackwardKernel.kernel(t[0], t[1], t[2], true, true);
    Tensor[] input = DepthwiseBackwardKernel.kernel(t[0], t[1], t[2], true, false);
    Tensor[] weight = DepthwiseBackwardKernel.kernel(t[0], t[1], t[2], false, true);
    assertNull(input[1]);
    assertNull(weight[0]);
    assertTrue(torch.equal(both[0], input[0]));
    assertTrue(torch.equal(both[1], weight[1]));
  }

  /** What the kernel does not take goes to LibTorch: NCHW activations, a weight of other channels, another type. */
  @Test
  void acceptsOnlyChannelsLastDepthwise3x3() {
    Tensor[] t = case_(new long[] {2, 16, 5, 5}, ScalarType.Float);
    assertTrue(DepthwiseBackwardKernel.accepts(t[0], t[1], t[2]));
    assertFalse(DepthwiseBackwardKernel.accepts(t[0].contiguous(), t[1].contiguous(), t[2]), "NCHW");
    assertFalse(DepthwiseBackwardKernel.accepts(t[0], t[1], torch.randn(8, 1, 3, 3)), "8 filters for 16 channels");
    assertFalse(DepthwiseBackwardKernel.accepts(t[0], t[1], torch.randn(16, 1, 5, 5)), "a 5x5 kernel");
    assertFalse(DepthwiseBackwardKernel.accepts(t[0].to(ScalarType.Double), t[1].to(ScalarType.Double), t[2]), "float64");
    assertFalse(DepthwiseBackwardKernel.accepts(t[0].to(ScalarType.BFloat16), t[1], t[2]), "mixed types");
  }

  /** The host check runs both types at the given shapes and says where it passed. */
  @Test
  void hostCheckPassesWhereTheKernelRuns() {
    String verdict = DepthwiseBackwardKernel.check(new long[][] {{64, 109, 109}, {728, 14, 14}});
    if (DepthwiseBackwardKernel.available()) {
      assertNull(verdict);
    } else {
      assertNotNull(verdict);
    }
  }

  /** Output gradient, input (both channels-last) and a (C, 1, 3, 3) weight, random, of the given type. */
  private static Tensor[] case_(long[] shape, ScalarType type) {
    Tensor gradOutput = torch.randn(shape).to(type).contiguous(MemoryFormat.ChannelsLast);
    Tensor input = torch.randn(shape).to(type).contiguous(MemoryFormat.ChannelsLast);
    Tensor weight = torch.randn(shape[1], 1, 3, 3).to(type);
    return new Tensor[] {gradOutput, input, weight};
  }
}
