package dev.xfer.transfer.adaptation;

import dev.xfer.data.LabeledBatch;
import dev.xfer.model.Xception;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringSharedModuleDict;

/**
 * AdaBN (Li et al. 2016): re-estimates every BatchNorm layer's running mean and variance on images of
 * a new domain and changes nothing else. Each layer's statistics are reset, then the backbone runs in
 * training mode without gradients over the given batches with LibTorch's cumulative averaging (BN
 * momentum unset), so the result is the average of the per-batch statistics, every batch weighted
 * alike; afterwards each layer's momentum is restored and the model is left in inference mode.
 */
public final class BatchNormAdaptation {
  private BatchNormAdaptation() {}

  /** What a re-estimation saw. */
  public record Result(int layers, long images, int batches) {}

  /** Re-estimates the BatchNorm statistics of {@code model} on the inputs of {@code batches} (labels unused). */
  public static Result reestimate(Xception model, Iterable<LabeledBatch> batches) {
    List<BatchNorm2dImpl> layers = batchNorms(model);
    double[] momenta = new double[layers.size()];
    for (int i = 0; i < layers.size(); i++) {
      BatchNorm2dImpl bn = layers.get(i);
      momenta[i] = bn.options().momentum().get();
      bn.options().momentum().reset(); // none: cumulative moving average over the batches below
      bn.reset_running_stats();
    }
    long images = 0;
    int count = 0;
    model.train(true);
    try (NoGradGuard g = new NoGradGuard()) {
      for (LabeledBatch b : batches) {
        try (PointerScope scope = new PointerScope()) {
          model.forwardFeatures(b.inputs());
        }
        images += b.inputs().size(0);
        count++;
      }
    } finally {
      for (int i = 0; i < layers.size(); i++) layers.get(i).options().momentum().put(momenta[i]);
      model.eval();
    }
    if (count == 0) throw new IllegalArgumentException("AdaBN: expected at least one batch of target images, found none");
    return new Result(layers.size(), images, count);
  }

  /** Every BatchNorm2d layer of {@code model}, in registration order. */
  static List<BatchNorm2dImpl> batchNorms(Xception model) {
    List<BatchNorm2dImpl> out = new ArrayList<>();
    StringSharedModuleDict modules = model.named_modules();
    for (long i = 0; i < modules.size(); i++) {
      Module m = modules.get(i).value();
      if (m.name().getString().contains("BatchNorm2d")) out.add(m.asBatchNorm2d());
    }
    return out;
  }
}
