package dev.xfer.train;

import dev.xfer.distributed.DataParallel;
import java.util.List;
import java.util.function.Supplier;
import org.bytedeco.pytorch.Tensor;

/**
 * The end of every training step, whatever computed the loss: in a data-parallel job the batch's figures are
 * summed over the ranks first, so that every rank takes the same decision; then, when the loss is finite, the
 * gradients are computed, averaged over the ranks and applied in one optimizer step. A non-finite loss leaves
 * the weights as they are (the divergence guard then stops the run).
 */
final class GradientStep {
  private GradientStep() {}

  /**
   * @param gradients computes the gradients, one per optimizer parameter in order (called only for a finite loss)
   */
  static StepResult finish(DataParallel parallel, Optimizer optimizer, double loss, long correct, long count,
      Supplier<List<Tensor>> gradients) {
    if (parallel.distributed()) {
      double[] total = parallel.sum(loss * count, correct, count);
      loss = total[0] / total[2];
      correct = (long) total[1];
      count = (long) total[2];
    }
    if (Double.isFinite(loss)) {
      List<Tensor> grads = gradients.get();
      parallel.averageGradients(grads);
      optimizer.stepWith(grads);
    }
    return new StepResult(loss, correct, count);
  }
}
