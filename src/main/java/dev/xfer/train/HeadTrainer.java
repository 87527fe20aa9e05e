package dev.xfer.train;

import dev.xfer.data.LabeledBatch;
import dev.xfer.distributed.DataParallel;
import dev.xfer.kernels.HeadGradients;
import dev.xfer.kernels.HeadKernel;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains a dense softmax head on pooled features: phase 1 of the recipe without running the
 * backbone. Plain cross-entropy uses the native head kernel's fused loss and gradients; with label
 * smoothing the (cheap) head step goes through LibTorch autograd instead.
 */
public final class HeadTrainer {
  private final Tensor weight;
  private final Tensor bias;
  private final Optimizer optimizer;
  private final double labelSmoothing;
  private final DataParallel parallel;

  /** {@code weight} (K, C) and {@code bias} (K) are updated in place (e.g. the model's fc parameters). */
  public HeadTrainer(Tensor weight, Tensor bias, Optimizer optimizer) {
    this(weight, bias, optimizer, 0);
  }

  /** As {@link #HeadTrainer(Tensor, Tensor, Optimizer)}, with label smoothing {@code epsilon} in the loss. */
  public HeadTrainer(Tensor weight, Tensor bias, Optimizer optimizer, double labelSmoothing) {
    this(weight, bias, optimizer, labelSmoothing, DataParallel.single());
  }

  /** As above, as one rank of a data-parallel job: figures are summed and gradients averaged over ranks. */
  public HeadTrainer(Tensor weight, Tensor bias, Optimizer optimizer, double labelSmoothing, DataParallel parallel) {
    this.parallel = parallel;
    this.weight = weight;
    this.bias = bias;
    this.optimizer = optimizer;
    this.labelSmoothing = labelSmoothing;
  }

  /** One optimizer step on a batch of pooled features; returns the batch's mean loss and correct count. */
  public StepResult step(LabeledBatch batch) {
    try (PointerScope scope = new PointerScope()) {
      long correct = torch.linear(batch.inputs(), weight.detach(), new TensorOptional(bias.detach()))
          .argmax(new LongOptional(1), false).eq(batch.labels()).sum().item_long();
      double loss;
      List<Tensor> grads;
      if (labelSmoothing == 0) {
        HeadGradients g = HeadKernel.trainStep(batch.inputs(), weight.detach(), bias.detach(), batch.labels());
        loss = g.loss().item_float();
        grads = List.of(g.gradWeight(), g.gradBias());
      } else {
        Tensor w = weight.detach().clone().requires_grad_(true);
        Tensor b = bias.detach().clone().requires_grad_(true);
        Tensor l = Losses.crossEntropy(torch.linear(batch.inputs(), w, new TensorOptional(b)), batch.labels(), labelSmoothing);
        loss = l.item_double();
        l.backward();
        grads = List.of(w.grad(), b.grad());
      }
      return GradientStep.finish(parallel, optimizer, loss, correct, batch.labels().size(0), () -> grads);
    }
  }
}
