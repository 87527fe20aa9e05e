package dev.xfer.train;

import dev.xfer.model.Xception;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * One phase of fine-tuning, Keras' way: a fresh optimizer (iterations restart at 0) over the stages
 * from {@code firstTrainableStage} on, everything before it frozen with BatchNorm in inference mode.
 * The transfer recipe uses Keras SGD with legacy decay; the other choices are off by default.
 *
 * @param name "head" or "finetune" (appears in history and messages)
 * @param epochs epochs to run (0 skips the phase)
 * @param learningRate initial learning rate (the head's; backbone parameters get it times
 *     {@code backboneLrMultiplier})
 * @param decay Keras legacy per-step decay: lr / (1 + decay * step) (schedule {@link Schedule#KERAS_DECAY})
 * @param momentum SGD momentum in Keras' form (unused by AdamW, whose betas are PyTorch's defaults)
 * @param nesterov Nesterov momentum (SGD only)
 * @param firstTrainableStage the first stage that trains ("head" freezes the whole backbone)
 * @param optimizer Keras SGD (default) or AdamW
 * @param weightDecay AdamW's decoupled weight decay (0 for SGD)
 * @param schedule Keras' legacy decay (default) or cosine annealing to 0 over the phase's steps
 * @param labelSmoothing epsilon of label smoothing in the training loss (0: plain cross-entropy);
 *     validation and test losses stay plain cross-entropy
 * @param backboneLrMultiplier learning-rate factor for backbone parameters (1: same as the head)
 */
public record PhaseConfig(String name, int epochs, double learningRate, double decay, double momentum,
    boolean nesterov, String firstTrainableStage, OptimizerKind optimizer, double weightDecay, Schedule schedule,
    double labelSmoothing, double backboneLrMultiplier) {

  /** Which update rule a phase uses. */
  public enum OptimizerKind {
    SGD, ADAMW;

    /** Parses "sgd" or "adamw" (any case). */
    public static OptimizerKind parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "sgd" -> SGD;
        case "adamw" -> ADAMW;
        default -> throw new IllegalArgumentException("optimizer " + s + ": expected sgd or adamw");
      };
    }
  }

  /** How the learning rate moves within a phase. */
  public enum Schedule {
    KERAS_DECAY, COSINE;

    /** Parses "keras-decay" or "cosine" (any case). */
    public static Schedule parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "keras-decay", "keras_decay", "decay" -> KERAS_DECAY;
        case "cosine" -> COSINE;
        default -> throw new IllegalArgumentException("schedule " + s + ": expected keras-decay or cosine");
      };
    }
  }

  public PhaseConfig {
    if (epochs < 0) throw new IllegalArgumentException(name + " epochs: expected >= 0, found " + epochs);
    if (!(learningRate > 0)) throw new IllegalArgumentException(name + " learning rate: expected > 0, found " + learningRate);
    if (!(decay >= 0)) throw new IllegalArgumentException(name + " decay: expected >= 0, found " + decay);
    if (optimizer == null || schedule == null) throw new IllegalArgumentException(name + ": optimizer and schedule must be set");
    if (!(weightDecay >= 0)) throw new IllegalArgumentException(name + " weight decay: expected >= 0, found " + weightDecay);
    if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
      throw new IllegalArgumentException(name + " label smoothing: expected in [0, 1), found " + labelSmoothing);
    }
    if (!(backboneLrMultiplier >= 0)) {
      throw new IllegalArgumentException(name + " backbone learning-rate multiplier: expected >= 0, found " + backboneLrMultiplier);
    }
  }

  /** The recipe's phase: Keras SGD with legacy decay, no smoothing, one learning rate for all. */
  public PhaseConfig(String name, int epochs, double learningRate, double decay, double momentum, boolean nesterov,
      String firstTrainableStage) {
    this(name, epochs, learningRate, decay, momentum, nesterov, firstTrainableStage, OptimizerKind.SGD, 0,
        Schedule.KERAS_DECAY, 0, 1);
  }

  /** The recipe's phase 1: SGD(lr 0.2, momentum 0.9, decay 0.01), 5 epochs, backbone frozen. */
  public static PhaseConfig recipeHead() {
    return new PhaseConfig("head", 5, 0.2, 0.01, 0.9, false, "head");
  }

  /** The recipe's phase 2: SGD(lr 0.01, momentum 0.9, decay 0.001), 10 epochs, everything trainable. */
  public static PhaseConfig recipeFinetune() {
    return new PhaseConfig("finetune", 10, 0.01, 0.001, 0.9, false, "stem");
  }

  /** True when only the classifier trains, so pooled features can be cached. */
  public boolean headOnly() {
    return "head".equals(firstTrainableStage);
  }

  public PhaseConfig withEpochs(int e) {
    return new PhaseConfig(name, e, learningRate, decay, momentum, nesterov, firstTrainableStage, optimizer, weightDecay,
        schedule, labelSmoothing, backboneLrMultiplier);
  }

  /** AdamW with decoupled weight decay {@code wd}. */
  public PhaseConfig withAdamW(double wd) {
    return new PhaseConfig(name, epochs, learningRate, decay, momentum, nesterov, firstTrainableStage, OptimizerKind.ADAMW,
        wd, schedule, labelSmoothing, backboneLrMultiplier);
  }

  public PhaseConfig withSchedule(Schedule s) {
    return new PhaseConfig(name, epochs, learningRate, decay, momentum, nesterov, firstTrainableStage, optimizer, weightDecay,
        s, labelSmoothing, backboneLrMultiplier);
  }

  public PhaseConfig withLabelSmoothing(double epsilon) {
    return new PhaseConfig(name, epochs, learningRate, decay, momentum, nesterov, firstTrainableStage, optimizer, weightDecay,
        schedule, epsilon, backboneLrMultiplier);
  }

  public PhaseConfig withBackboneLrMultiplier(double multiplier) {
    return new PhaseConfig(name, epochs, learningRate, decay, momentum, nesterov, firstTrainableStage, optimizer, weightDecay,
        schedule, labelSmoothing, multiplier);
  }

  /** The learning rate of each step of this phase, given its steps per epoch. */
  public LearningRateSchedule learningRateSchedule(long stepsPerEpoch) {
    return switch (schedule) {
      case KERAS_DECAY -> LearningRateSchedule.kerasDecay(learningRate, decay);
      case COSINE -> LearningRateSchedule.cosine(learningRate, Math.max(1, epochs * stepsPerEpoch));
    };
  }

  /**
   * A fresh optimizer for this phase over {@code trainable} (tensor name to parameter, in order):
   * classifier ("head" stage) parameters use the scheduled learning rate, backbone parameters that
   * times {@link #backboneLrMultiplier}.
   */
  public Optimizer newOptimizer(Map<String, Tensor> trainable, long stepsPerEpoch) {
    List<Tensor> params = new ArrayList<>(trainable.values());
    double[] scales = new double[params.size()];
    int i = 0;
    for (String name : trainable.keySet()) {
      scales[i++] = "head".equals(Xception.stageOf(name)) ? 1.0 : backboneLrMultiplier;
    }
    LearningRateSchedule lr = learningRateSchedule(stepsPerEpoch);
    return optimizer == OptimizerKind.SGD
        ? new KerasSgd(params, scales, momentum, nesterov, lr)
        : new AdamW(params, scales, weightDecay, lr);
  }

  /** A one-line description of the optimizer, schedule and options, for the run's log. */
  public String describeOptimizer() {
    StringBuilder sb = new StringBuilder(optimizer == OptimizerKind.SGD
        ? String.format(Locale.ROOT, "SGD lr %s momentum %s%s", learningRate, momentum, nesterov ? " (nesterov)" : "")
        : String.format(Locale.ROOT, "AdamW lr %s weight decay %s", learningRate, weightDecay));
    sb.append(schedule == Schedule.KERAS_DECAY ? String.format(Locale.ROOT, ", Keras decay %s", decay) : ", cosine schedule");
    if (labelSmoothing > 0) sb.append(String.format(Locale.ROOT, ", label smoothing %s", labelSmoothing));
    if (backboneLrMultiplier != 1) sb.append(String.format(Locale.ROOT, ", backbone lr x %s", backboneLrMultiplier));
    return sb.toString();
  }
}
