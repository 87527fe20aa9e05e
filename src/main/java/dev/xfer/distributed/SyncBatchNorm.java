package dev.xfer.distributed;

import dev.xfer.model.BatchNormForward;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.TensorTensorHook;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * BatchNorm with statistics of the global batch (all ranks), for training modes where each rank's batch is small.
 *
 * <p>Forward: per channel, Σd and Σd² with d = x - running mean (a shift every rank shares), and the element
 * count, are all-reduced in one collective, so every rank normalises with the mean and biased variance of the
 * combined batch, and the layer's running statistics move by
 * the layer's momentum towards that mean and the unbiased variance, exactly as one process with the combined batch.
 *
 * <p>Backward: the loss of every rank depends on every rank's activations through the shared statistics. Each
 * global sum is written {@code allReducedValue + (local - local.detach())}: the value is the global sum, the graph
 * is the local one. A gradient hook on it all-reduces the incoming gradient, so each rank back-propagates
 * Σ_ranks ∂L_rank/∂sum into its own activations; with the parameter gradients then averaged over ranks
 * ({@link GradientAverager}) the update equals the combined batch's. (The presets cannot define autograd
 * Functions in Java, javacpp-presets#1706; a tensor hook is the supported way to run code in backward.)
 *
 * <p>Layers in inference mode (frozen stages) and world size 1 use the layer's own forward.
 */
public final class SyncBatchNorm implements BatchNormForward {
  private final DistributedContext context;
  // One callback object for every statistic: JavaCPP keeps a small fixed number of native thunks per callback
  // class, and the hook must stay reachable while any graph that uses it may still run backward.
  private final TensorTensorHook sumAcrossRanks;

  public SyncBatchNorm(DistributedContext context) {
    this.context = context;
    this.sumAcrossRanks = new TensorTensorHook() {
      @Override
      public TensorBase call(TensorBase grad) {
        Tensor summed = new Tensor(grad).clone();
        context.allReduceSum(summed);
        return summed;
      }
    };
    // an enclosing PointerScope (a training step) must not free the callback while graphs may still use it
    sumAcrossRanks.retainReference();
  }

  @Override
  public Tensor apply(BatchNorm2dImpl layer, Tensor x) {
    if (!layer.is_training() || context.worldSize() == 1) {
      return layer.forward(x);
    }
    long channels = x.size(1);
    BatchNormOptions options = layer.options();
    double eps = options.eps().get();
    // Shifted sums (the "shifted data" variance): with the running mean, the same on every rank, subtracted first,
    // E[d²] - E[d]² does not cancel catastrophically when |mean| >> std.
    Tensor shift = options.track_running_stats().get() ? layer.running_mean().detach().clone()
        : torch.zeros(new long[] {channels}, x.options());
    Tensor d = x.sub(shift.view(1, channels, 1, 1));
    // Σd and Σd² per channel, then this rank's element count per channel (no gradient), in one all-reduce.
    Tensor count = torch.full(new long[] {1}, new Scalar((double) (x.numel() / channels)), x.options());
    Tensor sums = globalSum(torch.cat(new TensorVector(d.sum(0, 2, 3), d.mul(d).sum(0, 2, 3), count)));
    Tensor total = sums.narrow(0, 2 * channels, 1); // (1): elements per channel over all ranks
    double n = total.item_double();
    Tensor shiftedMean = sums.narrow(0, 0, channels).div(total);
    Tensor variance = sums.narrow(0, channels, channels).div(total).sub(shiftedMean.mul(shiftedMean)); // biased
    Tensor mean = shiftedMean.add(shift);
    Tensor centered = x.sub(mean.view(1, channels, 1, 1));
    updateRunningStatistics(layer, mean, variance, n);
    Tensor scale = variance.add(new Scalar(eps)).rsqrt();
    if (options.affine().get()) {
      scale = scale.mul(layer.weight());
    }
    Tensor y = centered.mul(scale.view(1, channels, 1, 1));
    return options.affine().get() ? y.add(layer.bias().view(1, channels, 1, 1)) : y;
  }

  /** The sum of {@code local} over all ranks, differentiable as described in the class comment. */
  private Tensor globalSum(Tensor local) {
    Tensor reduced = local.detach().clone();
    context.allReduceSum(reduced);
    Tensor global = reduced.add(local.sub(local.detach())); // exactly the reduced value; gradient flows to local
    if (global.requires_grad()) {
      global.register_hook(sumAcrossRanks);
    }
    return global;
  }

  /** LibTorch's rule: running = (1 - m) running + m batch, with the unbiased variance; no momentum: cumulative mean. */
  private static void updateRunningStatistics(BatchNorm2dImpl layer, Tensor mean, Tensor variance, double n) {
    if (!layer.options().track_running_stats().get()) {
      return;
    }
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor tracked = layer.num_batches_tracked();
      tracked.add_(new Scalar(1L));
      var momentumOption = layer.options().momentum();
      double m = momentumOption.has_value() ? momentumOption.get() : 1.0 / tracked.item_long();
      Tensor unbiased = variance.detach().mul(new Scalar(n / Math.max(1, n - 1)));
      layer.running_mean().mul_(new Scalar(1 - m)).add_(mean.detach().mul(new Scalar(m)));
      layer.running_var().mul_(new Scalar(1 - m)).add_(unbiased.mul(new Scalar(m)));
    }
  }
}
