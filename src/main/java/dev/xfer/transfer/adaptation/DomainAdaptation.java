package dev.xfer.transfer.adaptation;

import dev.xfer.data.Dataset;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.Xception;
import dev.xfer.transfer.Predictions;
import dev.xfer.transfer.SupervisedTraining;

/**
 * The cross-domain experiment for one seed: a source model evaluated on source and target test images
 * unadapted, after AdaBN on unlabelled target images, and after AdaBN plus fine-tuning on a few
 * labelled target images. Every arm starts from the same weights file.
 */
public final class DomainAdaptation {
  private DomainAdaptation() {}

  /**
   * The data of one run: test sets of both domains (source: null when not available), unlabelled
   * target images, labelled target images (or null).
   */
  public record Data(Dataset sourceTest, Dataset targetTest, Dataset targetUnlabelled, Dataset targetLabelled)
      implements AutoCloseable {
    /** Closes every dataset there is. */
    @Override
    public void close() {
      for (Dataset d : new Dataset[] {sourceTest, targetTest, targetUnlabelled, targetLabelled}) {
        if (d != null) d.close();
      }
    }
  }

  /**
   * Accuracies ({@code fineTuned} is NaN without labelled target images, the source figures NaN without
   * a source test set) and the adapted model.
   */
  public record Result(double sourceBefore, double targetBefore, double targetAdaBn, double sourceAdaBn, double fineTuned,
      Xception adapted) {}

  public static Result run(LoadedModel weights, Data data, SupervisedTraining fineTune, int batchSize) {
    Xception model = weights.build("source model");
    double sourceBefore = sourceAccuracy(model, data, batchSize);
    double targetBefore = Predictions.of(model, data.targetTest(), batchSize).accuracy();
    BatchNormAdaptation.reestimate(model, data.targetUnlabelled().inOrder(batchSize));
    double targetAdaBn = Predictions.of(model, data.targetTest(), batchSize).accuracy();
    double sourceAdaBn = sourceAccuracy(model, data, batchSize);
    double fineTuned = Double.NaN;
    if (data.targetLabelled() != null) {
      fineTune.run(model, data.targetLabelled());
      fineTuned = Predictions.of(model, data.targetTest(), batchSize).accuracy();
    }
    return new Result(sourceBefore, targetBefore, targetAdaBn, sourceAdaBn, fineTuned, model);
  }

  private static double sourceAccuracy(Xception model, Data data, int batchSize) {
    return data.sourceTest() == null ? Double.NaN : Predictions.of(model, data.sourceTest(), batchSize).accuracy();
  }
}
