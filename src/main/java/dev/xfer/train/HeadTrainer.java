package dev.xfer.train;

import dev.xfer.kernels.HeadGradients;
import dev.xfer.kernels.HeadKernel;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains a dense softmax head on pooled features with the native head kernel's loss and gradients
 * and Keras' SGD: phase 1 of the recipe without running the backbone.
 */
public final class HeadTrainer {
  private final Tensor weight;
  private final Tensor bias;
  private final KerasSgd optimizer;

  /** {@code weight} (K, C) and {@code bias} (K) are updated in place (e.g. the model's fc parameters). */
  public HeadTrainer(Tensor weight, Tensor bias, KerasSgd optimizer) {
    this.weight = weight;
    this.bias = bias;
    this.optimizer = optimizer;
  }

  /** One optimizer step on a batch of pooled features; returns the batch's mean loss and correct count. */
  public StepResult step(LabeledBatch batch) {
    try (PointerScope scope = new PointerScope()) {
      HeadGradients g = HeadKernel.trainStep(batch.inputs(), weight.detach(), bias.detach(), batch.labels());
      float loss = g.loss().item_float();
      long correct = torch.linear(batch.inputs(), weight.detach(), new TensorOptional(bias.detach()))
          .argmax(new LongOptional(1), false).eq(batch.labels()).sum().item_long();
      optimizer.stepWith(List.of(g.gradWeight(), g.gradBias()));
      return new StepResult(loss, correct, batch.labels().size(0));
    }
  }

  /** Mean loss of a batch, its correct predictions and its size. */
  public record StepResult(double loss, long correct, long count) {}
}
