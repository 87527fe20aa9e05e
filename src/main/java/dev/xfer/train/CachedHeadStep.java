package dev.xfer.train;

import dev.xfer.data.Dataset;
import dev.xfer.data.LabeledBatch;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import org.bytedeco.pytorch.Tensor;

/**
 * A head-only phase's step on cached features: the frozen backbone runs once per image, here, and every
 * epoch then trains and validates the dense head on the pooled features ({@link HeadTrainer}).
 */
final class CachedHeadStep implements PhaseStep {
  private final Xception model;
  private final FeatureCache trainCache;
  private final FeatureCache validCache;
  private final HeadTrainer trainer;
  private final int batchSize;

  CachedHeadStep(Xception model, Optimizer optimizer, double labelSmoothing, FineTuner.Options options, Dataset train,
      Dataset valid) {
    this.model = model;
    this.batchSize = options.batchSize();
    this.trainCache = FeatureCache.build(model, train, batchSize, options.amp(), options.parallel());
    this.validCache = FeatureCache.build(model, valid, batchSize, options.amp(), options.parallel());
    this.trainer = new HeadTrainer(fc("weight"), fc("bias"), optimizer, labelSmoothing, options.parallel());
  }

  @Override
  public Iterable<LabeledBatch> epochBatches(int epoch, int[] order) {
    return trainCache.batches(order, batchSize);
  }

  @Override
  public StepResult step(LabeledBatch batch) {
    return trainer.step(batch);
  }

  @Override
  public Evaluator.Result validate() {
    return Evaluator.evaluateHead(fc("weight").detach(), fc("bias").detach(), validCache, batchSize);
  }

  private Tensor fc(String which) {
    return StateDict.tensorsOf(model).get("fc." + which);
  }
}
