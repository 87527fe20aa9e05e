package dev.xfer.model;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * How the network applies each of its BatchNorm layers. {@link #LOCAL} is the layer's own forward (statistics
 * of this process's batch); a data-parallel job may swap in synchronised statistics (dev.xfer.distributed.SyncBatchNorm).
 * The layer's parameters and running statistics stay in the layer either way, so state dicts do not change.
 */
@FunctionalInterface
public interface BatchNormForward {
  /** The layer's own forward: per-process batch statistics in training mode, running statistics in inference. */
  BatchNormForward LOCAL = BatchNorm2dImpl::forward;

  /** Normalises {@code x} (N, C, H, W) with {@code layer}'s parameters, updating its running statistics in training. */
  Tensor apply(BatchNorm2dImpl layer, Tensor x);
}
