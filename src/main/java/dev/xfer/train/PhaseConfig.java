package dev.xfer.train;

/**
 * One phase of fine-tuning, Keras' way: a fresh optimizer (iterations restart at 0) over the stages
 * from {@code firstTrainableStage} on, everything before it frozen with BatchNorm in inference mode.
 *
 * @param name "head" or "finetune" (appears in history and messages)
 * @param epochs epochs to run (0 skips the phase)
 * @param learningRate initial learning rate
 * @param decay Keras legacy per-step decay: lr / (1 + decay * step)
 * @param momentum SGD momentum in Keras' form
 * @param nesterov Nesterov momentum
 * @param firstTrainableStage the first stage that trains ("head" freezes the whole backbone)
 */
public record PhaseConfig(String name, int epochs, double learningRate, double decay, double momentum,
    boolean nesterov, String firstTrainableStage) {

  public PhaseConfig {
    if (epochs < 0) throw new IllegalArgumentException(name + " epochs: expected >= 0, found " + epochs);
    if (!(learningRate > 0)) throw new IllegalArgumentException(name + " learning rate: expected > 0, found " + learningRate);
    if (!(decay >= 0)) throw new IllegalArgumentException(name + " decay: expected >= 0, found " + decay);
  }

  /** The mission's phase 1: SGD(lr 0.2, momentum 0.9, decay 0.01), 5 epochs, backbone frozen. */
  public static PhaseConfig missionHead() {
    return new PhaseConfig("head", 5, 0.2, 0.01, 0.9, false, "head");
  }

  /** The mission's phase 2: SGD(lr 0.01, momentum 0.9, decay 0.001), 10 epochs, everything trainable. */
  public static PhaseConfig missionFinetune() {
    return new PhaseConfig("finetune", 10, 0.01, 0.001, 0.9, false, "stem");
  }

  /** True when only the classifier trains, so pooled features can be cached. */
  public boolean headOnly() {
    return "head".equals(firstTrainableStage);
  }

  public PhaseConfig withEpochs(int e) {
    return new PhaseConfig(name, e, learningRate, decay, momentum, nesterov, firstTrainableStage);
  }
}
