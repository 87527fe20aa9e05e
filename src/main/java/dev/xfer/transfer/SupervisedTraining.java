package dev.xfer.transfer;

import dev.xfer.data.Dataset;
import dev.xfer.model.Xception;
import java.util.List;
import org.bytedeco.pytorch.global.torch;

/**
 * A plain supervised loop for the small-label experiments: every layer trainable, Adam, cross-entropy,
 * BatchNorm in training mode, a seeded shuffle per epoch (the data's own order).
 *
 * @param epochs passes over the labelled examples
 * @param batchSize examples per step
 * @param learningRate Adam's step size
 */
public record SupervisedTraining(int epochs, int batchSize, double learningRate) {
  public SupervisedTraining {
    if (epochs < 0) throw new IllegalArgumentException("epochs: expected >= 0, found " + epochs);
    if (batchSize < 1) throw new IllegalArgumentException("batch size: expected >= 1, found " + batchSize);
    if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate: expected > 0, found " + learningRate);
  }

  /** Trains {@code model} (which must have a classifier) on {@code data}; returns the last epoch's mean loss. */
  public double run(Xception model, Dataset data) {
    if (!model.hasClassifier()) throw new IllegalArgumentException("model: expected a classifier head");
    List<Double> losses = AdamEpochs.run(model, data, epochs, batchSize, learningRate,
        b -> torch.nll_loss(torch.log_softmax(model.forward(b.inputs()), 1), b.labels()), "training", epoch -> {});
    return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
  }
}
