package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.kernels.Tensors;
import dev.xfer.testing.PointerScopeExtension;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PointerScopeExtension.class)
class KerasSgdTest {
  /** The recipe's phase-1 schedule (Keras' legacy SGD decay): lr 0.2, decay 0.01, 86 steps per epoch. */
  @Test
  void legacyDecayFollowsTheFormula() {
    LearningRateSchedule s = LearningRateSchedule.kerasDecay(0.2, 0.01);
    assertEquals(0.2, s.at(0), 0);
    assertEquals(0.2 / 1.01, s.at(1), 1e-15);
    assertEquals(0.108108, s.at(85), 1e-6); // end of epoch 1
    assertEquals(0.037807, s.at(429), 1e-6); // last step of 5 epochs
    assertEquals(0.005379, LearningRateSchedule.kerasDecay(0.01, 0.001).at(859), 1e-6);
  }

  /**
   * Two steps by hand, p0 = 1, g = 0.5 then 0.25, m = 0.9, lr 0.1 decay 1 (lr 0.1 then 0.05):
   * v1 = -0.05, p1 = 0.95; v2 = 0.9 * -0.05 - 0.05 * 0.25 = -0.0575, p2 = 0.8925.
   * LibTorch's form would give buf2 = 0.9 * 0.5 + 0.25 = 0.7, p2 = 0.95 - 0.05 * 0.7 = 0.915.
   */
  @Test
  void twoStepsMatchKerasMomentumByHand() {
    Tensor p = Tensors.ofFloats(new float[] {1f}, 1).requires_grad_(true);
    KerasSgd sgd = new KerasSgd(List.of(p), 0.9, false, LearningRateSchedule.kerasDecay(0.1, 1.0));
    p.mul(new org.bytedeco.pytorch.Scalar(0.5f)).sum().backward(); // g = 0.5
    sgd.step();
    assertEquals(0.95, Tensors.toFloatArray(p)[0], 1e-7);
    sgd.zeroGrad();
    p.mul(new org.bytedeco.pytorch.Scalar(0.25f)).sum().backward(); // g = 0.25
    assertEquals(0.05, sgd.currentLearningRate(), 1e-15);
    sgd.step();
    assertEquals(0.8925, Tensors.toFloatArray(p)[0], 1e-7);
    assertEquals(-0.0575, Tensors.toFloatArray(sgd.velocities().get(0))[0], 1e-7);
    assertEquals(2, sgd.iterations());
  }

  /** Nesterov: p += m * v - lr * g. Step 1: v = -0.05, p = 1 + 0.9 * -0.05 - 0.05 = 0.905. */
  @Test
  void nesterovStep() {
    Tensor p = Tensors.ofFloats(new float[] {1f}, 1).requires_grad_(true);
    KerasSgd sgd = new KerasSgd(List.of(p), 0.9, true, LearningRateSchedule.kerasDecay(0.1, 0));
    p.mul(new org.bytedeco.pytorch.Scalar(0.5f)).sum().backward();
    sgd.step();
    assertEquals(0.905, Tensors.toFloatArray(p)[0], 1e-7);
  }

  /**
   * zeroGrad leaves no gradient behind (set to none): the next backward pass's gradient is used as computed, and a
   * parameter that pass does not reach is skipped, its value and velocity untouched (as Keras skips a None gradient).
   * p0 = q0 = 1, m = 0.9, lr 0.1: step 1 with g = 0.5 for both: v = -0.05, p = q = 0.95; step 2 reaches only p
   * with g = 0.25: v = -0.045 - 0.025 = -0.07, p = 0.88; q stays 0.95 with velocity -0.05.
   */
  @Test
  void zeroGradClearsAndAnUnreachedParameterIsSkipped() {
    Tensor p = Tensors.ofFloats(new float[] {1f}, 1).requires_grad_(true);
    Tensor q = Tensors.ofFloats(new float[] {1f}, 1).requires_grad_(true);
    KerasSgd sgd = new KerasSgd(List.of(p, q), 0.9, false, LearningRateSchedule.kerasDecay(0.1, 0.0));
    p.add(q).mul(new org.bytedeco.pytorch.Scalar(0.5f)).sum().backward();
    sgd.step();
    sgd.zeroGrad();
    assertFalse(p.grad().defined(), "p's gradient after zeroGrad");
    assertFalse(q.grad().defined(), "q's gradient after zeroGrad");
    p.mul(new org.bytedeco.pytorch.Scalar(0.25f)).sum().backward();
    assertEquals(0.25, Tensors.toFloatArray(p.grad())[0], 0, "a fresh gradient, not added to an old one");
    sgd.step();
    assertEquals(0.88, Tensors.toFloatArray(p)[0], 1e-7);
    assertEquals(0.95, Tensors.toFloatArray(q)[0], 1e-7);
    assertEquals(-0.05, Tensors.toFloatArray(sgd.velocities().get(1))[0], 1e-7);
  }

  /**
   * The fused one-pass kernel against LibTorch's op-by-op update as the oracle: two optimizers over identical
   * parameters (a vector of 300,007 values that the kernel splits over threads, a channels-last 3x3 weight, a
   * scalar; learning-rate scales 1, 0.1 and 0.5), four steps of the same gradients, plain and Nesterov: every
   * parameter and velocity equal bit for bit.
   */
  @Test
  void fusedUpdateEqualsLibTorchsOperationsBitForBit() {
    for (boolean nesterov : new boolean[] {false, true}) {
      List<Tensor> a = parameters();
      List<Tensor> b = parameters();
      double[] scales = {1.0, 0.1, 0.5};
      KerasSgd fused = new KerasSgd(a, scales, 0.9, nesterov, LearningRateSchedule.kerasDecay(0.05, 0.01));
      KerasSgd ops;
      System.setProperty(KerasSgd.UNFUSED_PROPERTY, "true");
      try {
        ops = new KerasSgd(b, scales, 0.9, nesterov, LearningRateSchedule.kerasDecay(0.05, 0.01));
      } finally {
        System.clearProperty(KerasSgd.UNFUSED_PROPERTY);
      }
      assertTrue(fused.fused(), "the kernel's path");
      assertFalse(ops.fused(), "LibTorch's operations");
      for (int step = 0; step < 4; step++) {
        for (KerasSgd sgd : List.of(fused, ops)) {
          List<Tensor> params = sgd.parameters();
          sgd.zeroGrad();
          Tensor loss = params.get(0).sin().sum().add(params.get(1).mul(params.get(1)).sum()).add(params.get(2).exp().sum());
          loss.backward();
          sgd.step();
        }
        for (int i = 0; i < a.size(); i++) {
          assertTrue(org.bytedeco.pytorch.global.torch.equal(a.get(i), b.get(i)), "parameter " + i + " after step " + (step + 1));
          assertTrue(org.bytedeco.pytorch.global.torch.equal(fused.velocities().get(i), ops.velocities().get(i)),
              "velocity " + i + " after step " + (step + 1));
        }
      }
      assertFalse(org.bytedeco.pytorch.global.torch.equal(a.get(0), parameters().get(0)), "the steps moved the parameters");
    }
  }

  /** The same three parameters every call: values from a formula, the 4-D one channels-last as a model's weight is. */
  private static List<Tensor> parameters() {
    Tensor vector = org.bytedeco.pytorch.global.torch.arange(new org.bytedeco.pytorch.Scalar(300007))
        .to(org.bytedeco.pytorch.global.torch.ScalarType.Float).mul(new org.bytedeco.pytorch.Scalar(0.37f)).cos();
    Tensor weight = org.bytedeco.pytorch.global.torch.arange(new org.bytedeco.pytorch.Scalar(32 * 3 * 3 * 3))
        .to(org.bytedeco.pytorch.global.torch.ScalarType.Float).mul(new org.bytedeco.pytorch.Scalar(0.11f)).sin()
        .reshape(32, 3, 3, 3).contiguous(org.bytedeco.pytorch.global.torch.MemoryFormat.ChannelsLast);
    Tensor scalar = Tensors.ofFloats(new float[] {0.3f}, 1);
    return List.of(vector.requires_grad_(true), weight.requires_grad_(true), scalar.requires_grad_(true));
  }

  /**
   * A parameter listed twice (as a tied weight is) is updated twice, one update after the other, as LibTorch's
   * operations do it: the fused kernel, whose threads would update both at once, steps aside. p0 = 1, g = 0.5,
   * m = 0.9, lr 0.1: the first update moves p to 0.95, the second (its own velocity, the same gradient) to 0.90.
   */
  @Test
  void aParameterListedTwiceIsUpdatedTwiceInTurn() {
    Tensor p = Tensors.ofFloats(new float[] {1f}, 1).requires_grad_(true);
    KerasSgd sgd = new KerasSgd(List.of(p, p), 0.9, false, LearningRateSchedule.kerasDecay(0.1, 0.0));
    assertFalse(sgd.fused(), "shared memory keeps LibTorch's operations");
    p.mul(new org.bytedeco.pytorch.Scalar(0.5f)).sum().backward();
    sgd.step();
    assertEquals(0.90, Tensors.toFloatArray(p)[0], 1e-7);
  }
}
