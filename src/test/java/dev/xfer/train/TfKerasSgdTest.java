package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.kernels.Tensors;
import dev.xfer.testing.PointerScopeExtension;
import dev.xfer.tf.TfOracle;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/**
 * {@link KerasSgd} against TensorFlow's own {@code ResourceApplyKerasMomentum} driven as Keras'
 * legacy SGD drives it: {@code lr_t = lr / (1 + decay * iterations)} in float32, then
 * {@code accum = accum * m - lr_t * g; var += accum}. Ten steps on two parameters whose gradient
 * depends on the parameters ({@code g = c * p + r}, each framework computing it from its own
 * parameters), so a wrong step would compound.
 */
@Tag("tf")
@ExtendWith(PointerScopeExtension.class)
class TfKerasSgdTest {
  private static final int STEPS = 10;
  private static final long[][] SHAPES = {{7, 5}, {5}};

  @Test
  void tenStepsEqualResourceApplyKerasMomentumWithLegacyDecay() {
    double lr = 0.2;
    double decay = 0.01; // the recipe's phase 1
    double momentum = 0.9;
    Random rng = new Random(7);
    float[][] init = new float[SHAPES.length][];
    float[][][] c = new float[STEPS][SHAPES.length][];
    float[][][] r = new float[STEPS][SHAPES.length][];
    for (int i = 0; i < SHAPES.length; i++) {
      init[i] = random(rng, numel(SHAPES[i]), 1f);
      for (int t = 0; t < STEPS; t++) {
        c[t][i] = random(rng, init[i].length, 0.5f);
        for (int j = 0; j < c[t][i].length; j++) c[t][i][j] += 1f; // mostly convex: values stay near 1
        r[t][i] = random(rng, init[i].length, 0.5f);
      }
    }
    float[][] ours = xfer(init, c, r, lr, decay, momentum);
    float[][] theirs = tensorFlow(init, c, r, lr, decay, momentum);
    float worst = 0;
    float moved = 0;
    for (int i = 0; i < SHAPES.length; i++) {
      for (int j = 0; j < ours[i].length; j++) {
        worst = Math.max(worst, Math.abs(ours[i][j] - theirs[i][j]));
        moved = Math.max(moved, Math.abs(theirs[i][j] - init[i][j]));
      }
    }
    System.out.printf(Locale.ROOT, "KerasSgd vs ResourceApplyKerasMomentum after %d steps: max |diff| %.3g (parameters moved up to %.3g)%n",
        STEPS, worst, moved);
    assertTrue(moved > 0.1f, "the steps must move the parameters, moved " + moved);
    assertTrue(worst <= 1e-6f, "max |diff| " + worst);
  }

  /** xfer: the same gradient, {@code c * p + r} in float32 (multiply, then add), handed to the optimizer. */
  private static float[][] xfer(float[][] init, float[][][] c, float[][][] r, double lr, double decay, double momentum) {
    Tensor[] p = new Tensor[SHAPES.length];
    for (int i = 0; i < p.length; i++) p[i] = Tensors.ofFloats(init[i], SHAPES[i]);
    KerasSgd sgd = new KerasSgd(List.of(p), momentum, false, LearningRateSchedule.kerasDecay(lr, decay));
    for (int t = 0; t < STEPS; t++) {
      List<Tensor> grads = new java.util.ArrayList<>();
      for (int i = 0; i < p.length; i++) {
        grads.add(Tensors.ofFloats(c[t][i], SHAPES[i]).mul(p[i]).add(Tensors.ofFloats(r[t][i], SHAPES[i])));
      }
      sgd.stepWith(grads);
    }
    float[][] out = new float[p.length][];
    for (int i = 0; i < p.length; i++) out[i] = Tensors.toFloatArray(p[i]);
    return out;
  }

  /** TF: resource variables updated by the raw op, the gradient written out as Keras' tape would give it. */
  private static float[][] tensorFlow(float[][] init, float[][][] c, float[][][] r, double lr, double decay, double momentum) {
    try (TfOracle oracle = new TfOracle()) {
      Ops tf = oracle.tf;
      VarHandleOp[] var = new VarHandleOp[SHAPES.length];
      VarHandleOp[] accum = new VarHandleOp[SHAPES.length];
      for (int i = 0; i < var.length; i++) {
        // eager handles with an empty shared name would all be one variable
        var[i] = tf.varHandleOp(TFloat32.class, Shape.of(SHAPES[i]), VarHandleOp.sharedName("var" + i));
        accum[i] = tf.varHandleOp(TFloat32.class, Shape.of(SHAPES[i]), VarHandleOp.sharedName("accum" + i));
        tf.assignVariableOp(var[i], oracle.constant(init[i], SHAPES[i]));
        tf.assignVariableOp(accum[i], oracle.constant(new float[init[i].length], SHAPES[i]));
      }
      for (int t = 0; t < STEPS; t++) {
        // Keras optimizer_v2._decayed_lr, in the variable's dtype
        Operand<TFloat32> lrT = tf.math.div(tf.constant((float) lr),
            tf.math.add(tf.constant(1f), tf.math.mul(tf.constant((float) decay), tf.constant((float) t))));
        for (int i = 0; i < var.length; i++) {
          Operand<TFloat32> p = tf.readVariableOp(var[i], TFloat32.class);
          Operand<TFloat32> grad = tf.math.add(tf.math.mul(oracle.constant(c[t][i], SHAPES[i]), p),
              oracle.constant(r[t][i], SHAPES[i]));
          tf.train.resourceApplyKerasMomentum(var[i], accum[i], lrT, grad, tf.constant((float) momentum));
        }
      }
      float[][] out = new float[var.length][];
      for (int i = 0; i < var.length; i++) out[i] = TfOracle.read(tf.readVariableOp(var[i], TFloat32.class));
      return out;
    }
  }

  private static float[] random(Random rng, int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (rng.nextGaussian() * scale);
    return v;
  }

  private static int numel(long[] shape) {
    int n = 1;
    for (long s : shape) n *= (int) s;
    return n;
  }
}
