package dev.xfer.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Keras' SGD with momentum ({@code v = m * v - lr * g; p += v}, or Nesterov's {@code p += m * v - lr * g})
 * over all of a model's float32 CPU parameters in one native pass ({@code xfer_keras_sgd_cpu}).
 *
 * <p>LibTorch runs the same update as four element-wise operations per parameter, one of them into
 * a new tensor: each a pass over memory. The kernel reads and writes each value once, rounding every
 * product and sum to float in the same order, so its results are bit-identical to {@link #reference}.
 * Like every fast path, it is trusted only after a parity check on the host that runs it:
 * {@link #verdict} compares both on tensors of awkward lengths and layouts, once per process.
 */
public final class KerasSgdKernel {
  private static volatile String verdict;

  private KerasSgdKernel() {}

  /** Whether the kernel can update this parameter and velocity: float32 on the CPU, one size and one dense layout. */
  public static boolean accepts(Tensor param, Tensor velocity) {
    return param.is_cpu() && param.scalar_type().intern() == ScalarType.Float && param.is_non_overlapping_and_dense()
        && sameLayout(param, velocity);
  }

  /** Whether a gradient fits its (accepted) parameter: absent, or of the parameter's size and layout. */
  public static boolean acceptsGradient(Tensor param, Tensor grad) {
    return !Tensors.present(grad) || sameLayout(param, grad);
  }

  /**
   * Whether no two of these parameters share memory (a tied weight, or one tensor listed twice): LibTorch
   * updates such parameters one after the other, the kernel's threads would update them at once.
   */
  public static boolean disjoint(List<Tensor> params) {
    long[][] ranges = new long[params.size()][];
    for (int i = 0; i < ranges.length; i++) {
      Tensor p = params.get(i);
      long start = p.data_ptr().address();
      ranges[i] = new long[] {start, start + p.numel() * Float.BYTES};
    }
    Arrays.sort(ranges, Comparator.comparingLong((long[] r) -> r[0]));
    for (int i = 1; i < ranges.length; i++) {
      if (ranges[i][0] < ranges[i - 1][1]) return false;
    }
    return true;
  }

  /**
   * One update of every parameter whose gradient is present (a null or undefined gradient leaves its
   * parameter and velocity alone); {@code negLrs[i]} is minus parameter i's learning rate, rounded to
   * float as LibTorch rounds a scalar factor. Every tensor must pass {@link #accepts} and {@link #acceptsGradient},
   * and the parameters {@link #disjoint}.
   */
  public static void update(List<Tensor> params, List<Tensor> velocities, List<Tensor> grads, float[] negLrs,
      float momentum, boolean nesterov) {
    int count = params.size();
    try (PointerScope scope = new PointerScope()) {
      LongPointer p = new LongPointer(count);
      LongPointer v = new LongPointer(count);
      LongPointer g = new LongPointer(count);
      LongPointer lengths = new LongPointer(count);
      for (int i = 0; i < count; i++) {
        Tensor grad = grads.get(i);
        boolean present = Tensors.present(grad);
        p.put(i, params.get(i).data_ptr().address());
        v.put(i, velocities.get(i).data_ptr().address());
        g.put(i, present ? grad.data_ptr().address() : 0L);
        lengths.put(i, params.get(i).numel());
      }
      FloatPointer lrs = new FloatPointer(negLrs);
      int status = NativeKernels.xfer_keras_sgd_cpu(count, p.address(), v.address(), g.address(), lengths.address(),
          lrs.address(), momentum, nesterov ? 1 : 0, torch.get_num_threads());
      KernelStatus.check("Keras SGD (cpu)", status);
    }
  }

  /** LibTorch's op-by-op form of the same update, for one parameter: the kernel's oracle. */
  public static void reference(Tensor param, Tensor velocity, Tensor grad, double negLr, double momentum, boolean nesterov) {
    try (NoGradGuard g = new NoGradGuard()) {
      Scalar m = new Scalar(momentum);
      Tensor scaledGrad = grad.mul(new Scalar(negLr)); // -lr_t * g, rounded once as TF does
      velocity.mul_(m).add_(scaledGrad);
      if (nesterov) {
        param.add_(velocity.mul(m).add(scaledGrad));
      } else {
        param.add_(velocity);
      }
    }
  }

  /**
   * Null when the kernel equals {@link #reference} bit for bit on this host (plain and Nesterov, lengths
   * that do and do not fill a vector, a channels-last weight, a parameter without gradient), otherwise
   * what differed. Computed once per process; it uses no random generator, so it leaves seeded runs alone.
   */
  public static String verdict() {
    String v = verdict;
    if (v == null) {
      synchronized (KerasSgdKernel.class) {
        if (verdict == null) {
          verdict = check();
          if (!verdict.isEmpty()) System.err.println("xfer: " + verdict + " on this host; the optimizer runs on LibTorch's operations");
        }
        v = verdict;
      }
    }
    return v.isEmpty() ? null : v;
  }

  private static String check() {
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      long[][] shapes = {{1}, {15}, {4099}, {300007}, {32, 3, 3, 3}, {7}};
      for (boolean nesterov : new boolean[] {false, true}) {
        List<Tensor> params = new ArrayList<>();
        List<Tensor> velocities = new ArrayList<>();
        List<Tensor> grads = new ArrayList<>();
        List<Tensor> expectedP = new ArrayList<>();
        List<Tensor> expectedV = new ArrayList<>();
        float[] negLrs = new float[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
          Tensor p = Tensors.sinePattern(shapes[i], 1.0 + i, 1.0);
          Tensor v = Tensors.sinePattern(shapes[i], 2.0 + i, 1e-3);
          Tensor grad = i == shapes.length - 1 ? new Tensor() : Tensors.sinePattern(shapes[i], 3.0 + i, 1e-2);
          double negLr = -0.045 / (i + 1);
          negLrs[i] = (float) negLr;
          params.add(p);
          velocities.add(v);
          grads.add(grad);
          Tensor rp = p.clone();
          Tensor rv = v.clone();
          if (grad.defined()) reference(rp, rv, grad, negLr, 0.9, nesterov);
          expectedP.add(rp);
          expectedV.add(rv);
        }
        update(params, velocities, grads, negLrs, 0.9f, nesterov);
        for (int i = 0; i < shapes.length; i++) {
          if (!torch.equal(params.get(i), expectedP.get(i)) || !torch.equal(velocities.get(i), expectedV.get(i))) {
            return "the fused Keras SGD differs from LibTorch's update" + (nesterov ? " (Nesterov)" : "") + " for a tensor of "
                + params.get(i).numel() + " values";
          }
        }
      }
      return "";
    } catch (RuntimeException e) {
      return "the fused Keras SGD failed its check: " + e.getMessage();
    }
  }

  private static boolean sameLayout(Tensor a, Tensor b) {
    if (b.is_cpu() != a.is_cpu() || b.scalar_type().intern() != a.scalar_type().intern() || b.dim() != a.dim()) return false;
    for (int d = 0; d < a.dim(); d++) {
      if (a.size(d) != b.size(d) || (a.size(d) > 1 && a.stride(d) != b.stride(d))) return false;
    }
    return true;
  }
}
