package dev.xfer.distributed;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Averages the gradients of trainable parameters across ranks: grads are packed into flat buckets of at most
 * {@code bucketElements} floats, each bucket is all-reduced (sum) and divided by the world size, then unpacked.
 */
public final class GradientAverager {
  private final DistributedContext context;
  private final long bucketElements;

  public GradientAverager(DistributedContext context, long bucketElements) {
    if (bucketElements < 1) {
      throw new IllegalArgumentException("bucket size must be positive, got " + bucketElements);
    }
    this.context = context;
    this.bucketElements = bucketElements;
  }

  /** Replaces each parameter's gradient by the mean over ranks; parameters without gradient are skipped. */
  public void average(List<Tensor> parameters) {
    List<Tensor> grads = new ArrayList<>();
    for (Tensor p : parameters) {
      grads.add(p.grad());
    }
    averageGradients(grads);
  }

  /**
   * Replaces each gradient tensor, in place, by its mean over ranks; null or undefined entries are skipped (every
   * rank must skip the same ones).
   */
  public void averageGradients(List<Tensor> grads) {
    if (context.worldSize() == 1) {
      return;
    }
    List<Tensor> bucket = new ArrayList<>();
    long filled = 0;
    for (Tensor g : grads) {
      if (g == null || g.isNull() || !g.defined()) {
        continue;
      }
      if (!bucket.isEmpty() && filled + g.numel() > bucketElements) {
        reduce(bucket);
        bucket.clear();
        filled = 0;
      }
      bucket.add(g);
      filled += g.numel();
    }
    if (!bucket.isEmpty()) {
      reduce(bucket);
    }
  }

  private void reduce(List<Tensor> grads) {
    TensorVector flats = new TensorVector();
    for (Tensor g : grads) {
      flats.push_back(g.reshape(-1));
    }
    Tensor flat = torch.cat(flats);
    context.allReduceSum(flat);
    flat.div_(new org.bytedeco.pytorch.Scalar((double) context.worldSize()));
    long offset = 0;
    for (Tensor g : grads) {
      g.copy_(flat.narrow(0, offset, g.numel()).view_as(g));
      offset += g.numel();
    }
  }
}
