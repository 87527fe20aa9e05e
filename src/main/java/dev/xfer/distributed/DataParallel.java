package dev.xfer.distributed;

import dev.xfer.model.BatchNormForward;
import dev.xfer.model.Xception;
import java.util.Collection;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * What the training loop needs from a data-parallel job: this rank's shard of each epoch, gradient averaging,
 * sums of metrics over ranks, the BatchNorm mode, and whether this rank writes outputs (rank 0 only).
 * {@link #single()} is the one-process case, where every operation is the identity.
 */
public final class DataParallel {
  /** Gradient bucket size in elements (25 MB of float32, PyTorch DDP's default). */
  public static final long BUCKET_ELEMENTS = 25L * 1024 * 1024 / 4;

  private final DistributedContext context; // null: one process
  private final GradientAverager averager;
  private final boolean syncBatchNorm;
  private final BatchNormForward batchNorm; // one per job: it holds a native callback

  private DataParallel(DistributedContext context, boolean syncBatchNorm) {
    this.context = context;
    this.averager = context == null ? null : new GradientAverager(context, BUCKET_ELEMENTS);
    this.syncBatchNorm = syncBatchNorm;
    this.batchNorm = syncBatchNorm() ? new SyncBatchNorm(context) : BatchNormForward.LOCAL;
  }

  /** One process, no communication. */
  public static DataParallel single() {
    return new DataParallel(null, false);
  }

  /** A rank of {@code context}'s job; {@code syncBatchNorm} shares BatchNorm statistics across ranks in training. */
  public static DataParallel of(DistributedContext context, boolean syncBatchNorm) {
    return new DataParallel(context, syncBatchNorm);
  }

  public int rank() {
    return context == null ? 0 : context.rank();
  }

  public int worldSize() {
    return context == null ? 1 : context.worldSize();
  }

  public boolean distributed() {
    return worldSize() > 1;
  }

  /** Only rank 0 writes checkpoints, history, models and plots. */
  public boolean writesOutputs() {
    return rank() == 0;
  }

  public boolean syncBatchNorm() {
    return syncBatchNorm && distributed();
  }

  /** Puts {@code model}'s BatchNorm layers in this job's mode (synchronised or per rank). */
  public void configure(Xception model) {
    model.setBatchNormForward(batchNorm);
  }

  /** This rank's training examples of an epoch (the order trimmed to a multiple of the world size, then dealt). */
  public int[] trainingShard(int[] epochOrder) {
    return distributed() ? ShardedOrder.shard(epochOrder, rank(), worldSize()) : epochOrder;
  }

  /** This rank's share of an evaluation: all shards together cover every example once. */
  public int[] evaluationShard(int[] order) {
    return distributed() ? ShardedOrder.cover(order, rank(), worldSize()) : order;
  }

  /** Element-wise sums over ranks (a copy in one process). */
  public double[] sum(double... values) {
    return distributed() ? context.allReduceSum(values) : values.clone();
  }

  /** Sums {@code t} in place over ranks (works for float and long tensors). */
  public void sumInPlace(Tensor t) {
    if (distributed()) {
      context.allReduceSum(t);
    }
  }

  /**
   * Copies rank 0's values of {@code tensors} (a model's parameters and buffers) to every rank, so all ranks start
   * from the same weights whatever their seeds or files: other ranks zero theirs, then all sum.
   */
  public void broadcastFromRank0(Collection<Tensor> tensors) {
    if (!distributed()) {
      return;
    }
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor t : tensors) {
        if (rank() != 0) {
          t.zero_();
        }
        context.allReduceSum(t);
      }
    }
  }

  /** Replaces each gradient by its mean over ranks. */
  public void averageGradients(List<Tensor> grads) {
    if (distributed()) {
      averager.averageGradients(grads);
    }
  }
}
