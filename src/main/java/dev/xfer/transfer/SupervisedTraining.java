package dev.xfer.transfer;

import dev.xfer.model.Xception;
import dev.xfer.train.LabeledBatch;
import dev.xfer.train.TrainingData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Tensor;
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
  public double run(Xception model, TrainingData data) {
    if (!model.hasClassifier()) throw new IllegalArgumentException("model: expected a classifier head");
    Adam adam = new Adam(model.parameters(), new AdamOptions(learningRate));
    double last = Double.NaN;
    model.train(true);
    try {
      for (int epoch = 0; epoch < epochs; epoch++) {
        double sum = 0;
        long seen = 0;
        for (LabeledBatch b : data.epochBatches(epoch, batchSize)) {
          try (PointerScope scope = new PointerScope()) {
            adam.zero_grad();
            Tensor loss = torch.nll_loss(torch.log_softmax(model.forward(b.inputs()), 1), b.labels());
            loss.backward();
            adam.step();
            long n = b.labels().size(0);
            sum += loss.item_double() * n;
            seen += n;
          }
        }
        last = sum / seen;
        if (!Double.isFinite(last)) throw new IllegalStateException("training diverged in epoch " + (epoch + 1) + ": loss " + last);
      }
    } finally {
      model.eval();
    }
    return last;
  }
}
