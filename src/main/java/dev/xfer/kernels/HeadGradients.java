package dev.xfer.kernels;

import org.bytedeco.pytorch.Tensor;

/**
 * Result of {@link HeadKernel#trainStep}: all tensors float32 on the input's device.
 *
 * @param loss (1) mean cross-entropy over the batch
 * @param sampleLoss (N) per-sample cross-entropy
 * @param gradLogits (N, K) gradient of {@code loss} with respect to the logits
 * @param gradWeight (K, C) gradient with respect to the dense weight
 * @param gradBias (K) gradient with respect to the dense bias
 */
public record HeadGradients(
    Tensor loss, Tensor sampleLoss, Tensor gradLogits, Tensor gradWeight, Tensor gradBias) {}
