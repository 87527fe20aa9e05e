package dev.xfer.demo;

/**
 * The demo's budget and recipe. Transfer: phase 1 trains a new head on the frozen backbone for
 * {@code headEpochs} (SGD lr 0.2, decay 0.01), phase 2 fine-tunes everything for
 * {@code finetuneEpochs} (lr 0.01, decay 0.001), momentum 0.9: the transfer recipe. Scratch: the
 * same architecture from random weights, every stage trainable, for {@code headEpochs +
 * finetuneEpochs} epochs (the same number of epochs and optimizer steps on the same batches) at
 * {@code scratchLr} with decay 0.001.
 *
 * @param reachAccuracy the validation accuracy whose first epoch the table reports
 * @param amp bf16 autocast for both arms (float32 master weights)
 * @param channelsLast both arms' networks in the channels-last layout ({@code Xception#useChannelsLast})
 * @param testBestEpoch test each arm with the weights of its last phase's highest-validation-accuracy
 *     epoch (Keras' ModelCheckpoint on val_accuracy) rather than its last epoch's: a from-scratch run
 *     at a high learning rate can end on a loss spike, and then its last-epoch score says more about
 *     float rounding than about the method (71.2% vs 30.0% between two memory layouts, same seed)
 */
public record DemoSettings(int headEpochs, int finetuneEpochs, double scratchLr, int batchSize, long seed,
    double reachAccuracy, boolean amp, boolean channelsLast, boolean testBestEpoch) {
  public DemoSettings {
    if (headEpochs < 0 || finetuneEpochs < 0 || headEpochs + finetuneEpochs < 1) {
      throw new IllegalArgumentException("epochs: expected head >= 0, finetune >= 0 and at least one in total, found "
          + headEpochs + " and " + finetuneEpochs);
    }
    if (!(reachAccuracy > 0 && reachAccuracy <= 1)) {
      throw new IllegalArgumentException("--reach: expected an accuracy in (0, 1], found " + reachAccuracy);
    }
  }

  /** Epochs of each arm. */
  public int totalEpochs() {
    return headEpochs + finetuneEpochs;
  }
}
