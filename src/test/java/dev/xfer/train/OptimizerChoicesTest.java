package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.kernels.Tensors;
import dev.xfer.testing.PointerScopeExtension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** AdamW, cosine schedule, label smoothing and the backbone learning-rate multiplier against formulas. */
@ExtendWith(PointerScopeExtension.class)
class OptimizerChoicesTest {
  private static Tensor scalarParam(float v) {
    return Tensors.ofFloats(new float[] {v}, 1).requires_grad_(true);
  }

  /** Sets p's gradient to g by backpropagating g * p. */
  private static void gradient(Tensor p, float g) {
    p.mul(new Scalar(g)).sum().backward();
  }

  /**
   * Two AdamW steps by hand (double precision), p0 = 1, g = 0.5 then 0.25, lr 0.1, wd 0.01:
   * step 1: p = 0.999; m = 0.05; v = 0.00025; m^ = 0.5; v^ = 0.25; p -= 0.1 * 0.5 / (0.5 + 1e-8).
   * step 2: p *= 0.999; m = 0.07; v = 0.00031225; m^ = 0.07 / 0.19; v^ = 0.00031225 / 0.001999.
   */
  @Test
  void adamWTwoStepsMatchTheFormula() {
    Tensor p = scalarParam(1f);
    AdamW opt = new AdamW(List.of(p), null, 0.01, LearningRateSchedule.kerasDecay(0.1, 0));
    gradient(p, 0.5f);
    opt.step();
    double p1 = 1 * (1 - 0.1 * 0.01) - 0.1 * 0.5 / (Math.sqrt(0.25) + 1e-8);
    assertEquals(p1, Tensors.toFloatArray(p)[0], 1e-7);
    opt.zeroGrad();
    gradient(p, 0.25f);
    opt.step();
    double m2 = 0.9 * 0.05 + 0.1 * 0.25;
    double v2 = 0.999 * 0.00025 + 0.001 * 0.0625;
    double mHat = m2 / (1 - 0.81);
    double vHat = v2 / (1 - 0.999 * 0.999);
    double p2 = p1 * (1 - 0.1 * 0.01) - 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
    assertEquals(p2, Tensors.toFloatArray(p)[0], 1e-6);
    assertEquals(2, opt.iterations());
  }

  /** A second implementation: LibTorch's own AdamW, ten steps on random tensors with random gradients. */
  @Test
  void adamWMatchesLibTorchsAdamW() {
    Random rng = new Random(3);
    float[] init = new float[12];
    for (int i = 0; i < init.length; i++) init[i] = rng.nextFloat() * 2 - 1;
    Tensor ours = Tensors.ofFloats(init, 3, 4).requires_grad_(true);
    Tensor theirs = Tensors.ofFloats(init, 3, 4).requires_grad_(true);
    AdamW opt = new AdamW(List.of(ours), null, 0.05, LearningRateSchedule.kerasDecay(0.01, 0));
    AdamWOptions o = new AdamWOptions(0.01);
    o.weight_decay().put(0.05);
    o.eps().put(1e-8);
    org.bytedeco.pytorch.AdamW reference = new org.bytedeco.pytorch.AdamW(new TensorVector(theirs), o);
    for (int step = 0; step < 10; step++) {
      float[] g = new float[12];
      for (int i = 0; i < g.length; i++) g[i] = (float) rng.nextGaussian();
      Tensor grad = Tensors.ofFloats(g, 3, 4);
      opt.zeroGrad();
      reference.zero_grad();
      ours.mul(grad).sum().backward();
      theirs.mul(grad).sum().backward();
      opt.step();
      reference.step();
    }
    float[] a = Tensors.toFloatArray(ours);
    float[] b = Tensors.toFloatArray(theirs);
    double moved = 0;
    for (int i = 0; i < a.length; i++) {
      assertEquals(b[i], a[i], 1e-6, "element " + i);
      moved = Math.max(moved, Math.abs(a[i] - init[i]));
    }
    assertTrue(moved > 0.05, "the parameters moved (" + moved + ")");
  }

  /** Cosine annealing: lr at 0, a quarter, half and the end of T steps is lr, lr(1+cos(pi/4))/2, lr/2, 0. */
  @Test
  void cosineScheduleFollowsTheFormula() {
    PhaseConfig phase = PhaseConfig.recipeFinetune().withEpochs(4).withSchedule(PhaseConfig.Schedule.COSINE);
    LearningRateSchedule s = phase.learningRateSchedule(25); // T = 100 steps
    assertEquals(0.01, s.at(0), 1e-15);
    assertEquals(0.01 * (1 + Math.cos(Math.PI / 4)) / 2, s.at(25), 1e-15);
    assertEquals(0.005, s.at(50), 1e-15);
    assertEquals(0.0, s.at(100), 1e-15);
    assertEquals(0.01 / (1 + 0.001 * 50), PhaseConfig.recipeFinetune().learningRateSchedule(25).at(50), 1e-15);
  }

  /** Smoothed cross-entropy against -sum_k y_k log softmax_k with y = (1 - eps) onehot + eps / K, in double. */
  @Test
  void labelSmoothingMatchesTheFormulaAndLibTorch() {
    float[] logits = {2.0f, -1.0f, 0.5f, 0.1f, 0.2f, 3.0f};
    long[] labels = {0, 2};
    double eps = 0.1;
    int k = 3;
    double expected = 0;
    for (int i = 0; i < 2; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) max = Math.max(max, logits[i * k + j]);
      double sum = 0;
      for (int j = 0; j < k; j++) sum += Math.exp(logits[i * k + j] - max);
      for (int j = 0; j < k; j++) {
        double logP = logits[i * k + j] - max - Math.log(sum);
        double y = (j == labels[i] ? 1 - eps : 0) + eps / k;
        expected -= y * logP / 2;
      }
    }
    Tensor x = Tensors.ofFloats(logits, 2, 3);
    Tensor y = Tensors.ofLongs(labels);
    double ours = Losses.crossEntropy(x, y, eps).item_double();
    assertEquals(expected, ours, 1e-6);
    double libtorch = torch.cross_entropy_loss(x, y, new TensorOptional(), 1, -100, eps).item_double();
    assertEquals(libtorch, ours, 1e-6);
    double plain = Losses.crossEntropy(x, y, 0).item_double();
    assertTrue(Math.abs(plain - ours) > 1e-3, "smoothing changes the loss");
  }

  /** The first SGD step (v = -lr g) and AdamW step (about -lr sign(g)) scale with the backbone multiplier. */
  @Test
  void backboneParametersGetTheMultipliedLearningRate() {
    for (PhaseConfig phase : List.of(PhaseConfig.recipeFinetune().withBackboneLrMultiplier(0.1),
        PhaseConfig.recipeFinetune().withAdamW(0).withBackboneLrMultiplier(0.1))) {
      Tensor head = scalarParam(1f);
      Tensor backbone = scalarParam(1f);
      Map<String, Tensor> named = new LinkedHashMap<>();
      named.put("conv1.weight", backbone);
      named.put("fc.weight", head);
      Optimizer opt = phase.newOptimizer(named, 10);
      gradient(head, 2f);
      gradient(backbone, 2f);
      opt.step();
      double headStep = phase.optimizer() == PhaseConfig.OptimizerKind.SGD ? 0.01 * 2 : 0.01; // Adam: ~lr * sign
      assertEquals(1 - headStep, Tensors.toFloatArray(head)[0], 1e-7, phase.describeOptimizer());
      assertEquals(1 - 0.1 * headStep, Tensors.toFloatArray(backbone)[0], 1e-7, phase.describeOptimizer());
    }
  }
}
