package dev.xfer.data;

import org.bytedeco.pytorch.Tensor;

/**
 * One batch for training or evaluation.
 *
 * @param inputs (N, 3, H, W) preprocessed images, or (N, C) pooled features for a head-only step
 * @param labels (N) int64 class indices
 */
public record LabeledBatch(Tensor inputs, Tensor labels) {}
