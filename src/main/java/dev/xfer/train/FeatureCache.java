package dev.xfer.train;

import dev.xfer.data.Dataset;
import dev.xfer.data.LabeledBatch;
import dev.xfer.distributed.DataParallel;
import dev.xfer.kernels.HeadKernel;
import dev.xfer.model.Xception;
import dev.xfer.util.OwnScope;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Pooled backbone features of a whole split, computed once. With the backbone frozen (BatchNorm in
 * inference mode) and no augmentation, the backbone is a fixed function of each image, so phase 1
 * can train the head on these features instead of running the backbone every epoch: the same
 * result, one backbone pass per image instead of one per image per epoch.
 */
public final class FeatureCache {
  private final Tensor features;
  private final Tensor labels;

  private FeatureCache(Tensor features, Tensor labels) {
    this.features = features;
    this.labels = labels;
  }

  /** Runs {@code model}'s backbone in inference mode over {@code batches}, pooling with the native head kernel. */
  public static FeatureCache build(Xception model, Iterable<LabeledBatch> batches) {
    return build(model, batches, false);
  }

  /** As {@link #build(Xception, Iterable)}, the backbone under bf16 autocast when {@code amp}. */
  public static FeatureCache build(Xception model, Iterable<LabeledBatch> batches, boolean amp) {
    boolean wasTraining = model.is_training();
    model.eval();
    List<Tensor> pooled = new ArrayList<>();
    List<Tensor> labels = new ArrayList<>();
    try (NoGradGuard g = new NoGradGuard()) {
      for (LabeledBatch b : batches) {
        // the batch's activations and feature map go when it is pooled, whatever scope the caller holds
        pooled.add(OwnScope.run(() -> {
          Tensor inputs = ModelDevice.to(b.inputs(), model);
          Tensor features = MixedPrecision.run(amp, model, () -> model.forwardFeatures(inputs));
          return HeadKernel.pool(MixedPrecision.toFloat(features).contiguous());
        }));
        labels.add(ModelDevice.to(b.labels(), model).clone()); // the batch may be released after this step
      }
    } finally {
      model.train(wasTraining);
    }
    if (pooled.isEmpty()) throw new IllegalArgumentException("feature cache: expected at least one batch, found none");
    return new FeatureCache(torch.cat(new TensorVector(pooled.toArray(new Tensor[0]))),
        torch.cat(new TensorVector(labels.toArray(new Tensor[0]))));
  }

  /**
   * The features of all of {@code data} (natural order), each rank of a data-parallel job computing its share and
   * the shares then summed into the whole (an all-gather by all-reduce of zero-filled tensors).
   */
  public static FeatureCache build(Xception model, Dataset data, int batchSize, boolean amp, DataParallel parallel) {
    if (!parallel.distributed()) return build(model, data.inOrder(batchSize), amp);
    int[] mine = parallel.evaluationShard(data.naturalOrder());
    FeatureCache part = build(model, data.batches(mine, batchSize), amp);
    Tensor index = dev.xfer.kernels.Tensors.ofIndices(mine);
    Tensor features = torch.zeros(new long[] {data.size(), part.features.size(1)}, part.features.options());
    Tensor labels = torch.zeros(new long[] {data.size()}, part.labels.options());
    features.index_copy_(0, index, part.features);
    labels.index_copy_(0, index, part.labels);
    parallel.sumInPlace(features);
    parallel.sumInPlace(labels);
    return new FeatureCache(features, labels);
  }

  /** (N, C) pooled features. */
  public Tensor features() {
    return features;
  }

  /** (N) labels. */
  public Tensor labels() {
    return labels;
  }

  public long size() {
    return features.size(0);
  }

  /** Batches of cached features in the given example order. */
  public List<LabeledBatch> batches(int[] order, int batchSize) {
    List<LabeledBatch> out = new ArrayList<>();
    Tensor index = dev.xfer.kernels.Tensors.ofIndices(order);
    if (features.is_cuda()) index = index.to(features.device(), index.scalar_type());
    for (int start = 0; start < order.length; start += batchSize) {
      Tensor idx = index.narrow(0, start, Math.min(batchSize, order.length - start));
      out.add(new LabeledBatch(features.index_select(0, idx).contiguous(), labels.index_select(0, idx).contiguous()));
    }
    return out;
  }
}
