package dev.xfer.transfer.dae;

import dev.xfer.data.Dataset;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.transfer.Predictions;
import dev.xfer.transfer.SupervisedTraining;
import dev.xfer.transfer.adaptation.BatchNormAdaptation;
import org.bytedeco.pytorch.global.torch;

/**
 * The DAE experiment's two arms on one labelled set: the same architecture from random weights
 * ("scratch") and from a pretrained encoder ("dae"), each with a fresh classifier, trained the same way
 * (same seed for the head and the shuffles), then BatchNorm statistics re-estimated on the labelled
 * images (with Keras' BN momentum of 0.01 a few dozen steps barely move the running statistics of a
 * fresh network, so both arms get the same treatment), then tested.
 */
public final class FewLabelComparison {
  private FewLabelComparison() {}

  /** Test accuracies of both arms. */
  public record Result(double scratch, double pretrained) {
    public double margin() {
      return pretrained - scratch;
    }
  }

  public static Result run(Xception encoder, Dataset labelled, Dataset test, SupervisedTraining training,
      int batchSize, long seed) {
    int classes = labelled.classNames().size();
    XceptionConfig config = encoder.config();
    torch.manual_seed(seed);
    Xception scratch = new Xception(config.withNumClasses(classes));
    double scratchAcc = trainAndTest(scratch, labelled, test, training, batchSize);

    Xception pretrained = new Xception(config.withNumClasses(0));
    StateDict.load(pretrained, StateDict.export(encoder), "DAE encoder");
    torch.manual_seed(seed);
    pretrained.resetClassifier(classes);
    double pretrainedAcc = trainAndTest(pretrained, labelled, test, training, batchSize);
    return new Result(scratchAcc, pretrainedAcc);
  }

  private static double trainAndTest(Xception model, Dataset labelled, Dataset test, SupervisedTraining training,
      int batchSize) {
    training.run(model, labelled);
    BatchNormAdaptation.reestimate(model, labelled.inOrder(batchSize));
    return Predictions.of(model, test, batchSize).accuracy();
  }
}
