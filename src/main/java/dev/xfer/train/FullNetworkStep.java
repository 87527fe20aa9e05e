package dev.xfer.train;

import dev.xfer.data.Dataset;
import dev.xfer.data.LabeledBatch;
import dev.xfer.model.GraphCuts;
import dev.xfer.model.Xception;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;

/** A phase's step through the whole network: images in, the trainable stages updated (the frozen ones in inference mode). */
final class FullNetworkStep implements PhaseStep {
  private final Xception model;
  private final Freezer freezer;
  private final Optimizer optimizer;
  private final double labelSmoothing;
  private final FineTuner.Options options;
  private final Dataset train;
  private final Dataset valid;

  FullNetworkStep(Xception model, Freezer freezer, Optimizer optimizer, double labelSmoothing, FineTuner.Options options,
      Dataset train, Dataset valid) {
    this.model = model;
    this.freezer = freezer;
    this.optimizer = optimizer;
    this.labelSmoothing = labelSmoothing;
    this.options = options;
    this.train = train;
    this.valid = valid;
  }

  @Override
  public Iterable<LabeledBatch> epochBatches(int epoch, int[] order) {
    return options.parallel().distributed() ? train.epochBatches(epoch, order, options.batchSize())
        : train.epochBatches(epoch, options.batchSize());
  }

  @Override
  public StepResult step(LabeledBatch b) {
    try (PointerScope scope = new PointerScope(); GraphCuts cuts = GraphCuts.forStep(model)) {
      freezer.trainMode();
      optimizer.zeroGrad();
      Tensor inputs = ModelDevice.to(b.inputs(), model);
      Tensor labels = ModelDevice.to(b.labels(), model);
      Tensor logits = MixedPrecision.toFloat(
          cuts.forward(model, () -> MixedPrecision.run(options.amp(), model, () -> model.forward(inputs))));
      Tensor loss = Losses.crossEntropy(logits, labels, labelSmoothing);
      double value = loss.item_double();
      long correct = logits.argmax(new LongOptional(1), false).eq(labels).sum().item_long();
      return GradientStep.finish(options.parallel(), optimizer, value, correct, labels.size(0), () -> {
        cuts.backward(loss);
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : optimizer.parameters()) grads.add(p.grad());
        return grads;
      });
    }
  }

  @Override
  public Evaluator.Result validate() {
    return Evaluator.evaluate(model, valid, options.batchSize(), options.amp(), options.parallel());
  }
}
