package dev.xfer.transfer.dae;

import dev.xfer.data.Dataset;
import dev.xfer.data.LabeledBatch;
import dev.xfer.transfer.AdamEpochs;
import java.util.List;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Pretrains a {@link DenoisingAutoencoder}: each batch is corrupted, encoded and decoded, and the mean
 * squared error against the clean image (resized to 32x32) is minimised with Adam. Labels are ignored.
 *
 * @param epochs passes over the images
 * @param batchSize images per step
 * @param learningRate Adam's step size
 * @param corruption how inputs are corrupted
 */
public record DaePretraining(int epochs, int batchSize, double learningRate, Corruption corruption) {
  public DaePretraining {
    if (epochs < 1) throw new IllegalArgumentException("--epochs: expected >= 1, found " + epochs);
    if (batchSize < 2) throw new IllegalArgumentException("--batch-size: expected >= 2, found " + batchSize);
    if (!(learningRate > 0)) throw new IllegalArgumentException("--lr: expected > 0, found " + learningRate);
  }

  /** Trains {@code dae} on the images of {@code data}; returns the mean reconstruction loss of each epoch. */
  public List<Double> run(DenoisingAutoencoder dae, Dataset data, IntConsumer epochDone) {
    return AdamEpochs.run(dae, data, epochs, batchSize, learningRate,
        b -> torch.mse_loss(dae.forward(corruption.apply(b.inputs())), DenoisingAutoencoder.target(b.inputs())),
        "DAE pretraining", epochDone);
  }


  /** Mean reconstruction loss of {@code dae} on {@code data} with this corruption, in inference mode, no training. */
  public double evaluate(DenoisingAutoencoder dae, Dataset data) {
    dae.eval();
    double sum = 0;
    long seen = 0;
    for (LabeledBatch b : data.inOrder(batchSize)) {
      try (PointerScope scope = new PointerScope(); org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
        Tensor clean = b.inputs();
        sum += torch.mse_loss(dae.forward(corruption.apply(clean)), DenoisingAutoencoder.target(clean)).item_double() * clean.size(0);
        seen += clean.size(0);
      }
    }
    return sum / seen;
  }
}
