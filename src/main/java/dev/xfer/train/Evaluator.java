package dev.xfer.train;

import dev.xfer.data.Dataset;
import dev.xfer.data.LabeledBatch;
import dev.xfer.distributed.DataParallel;
import dev.xfer.model.Xception;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** Loss (mean cross-entropy over all examples), accuracy and confusion of a model on a split, in inference mode. */
public final class Evaluator {
  private Evaluator() {}

  /** Result of an evaluation. */
  public record Result(double loss, ClassificationMetrics metrics) {
    public double accuracy() {
      return metrics.accuracy();
    }
  }

  /** Runs the whole model over {@code data} in natural order. */
  public static Result evaluate(Xception model, Dataset data, int batchSize) {
    return evaluate(model, data, batchSize, false);
  }

  /** As {@link #evaluate(Xception, Dataset, int)}, the backbone under bf16 autocast when {@code amp}. */
  public static Result evaluate(Xception model, Dataset data, int batchSize, boolean amp) {
    return evaluate(model, data, batchSize, amp, DataParallel.single());
  }

  /**
   * As {@link #evaluate(Xception, Dataset, int, boolean)} as one rank of a data-parallel job: each rank runs
   * its share of the examples, and the loss sum, count and confusion matrix are summed over ranks, so every rank
   * returns the figures of the whole split.
   */
  public static Result evaluate(Xception model, Dataset data, int batchSize, boolean amp, DataParallel parallel) {
    boolean wasTraining = model.is_training();
    model.eval();
    try {
      Accumulator acc = new Accumulator(data.classNames().size());
      Iterable<LabeledBatch> batches = parallel.distributed()
          ? data.batches(parallel.evaluationShard(data.naturalOrder()), batchSize) : data.inOrder(batchSize);
      for (LabeledBatch b : batches) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
          Tensor inputs = ModelDevice.to(b.inputs(), model);
          acc.add(MixedPrecision.toFloat(MixedPrecision.run(amp, model, () -> model.forward(inputs))), b.labels());
        }
      }
      return parallel.distributed() ? acc.summedOver(parallel) : acc.result();
    } finally {
      model.train(wasTraining);
    }
  }

  /** Evaluates a dense head on cached pooled features. */
  public static Result evaluateHead(Tensor weight, Tensor bias, FeatureCache cache, int batchSize) {
    Accumulator acc = new Accumulator((int) weight.size(0));
    int[] order = new int[(int) cache.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    for (LabeledBatch b : cache.batches(order, batchSize)) {
      try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
        acc.add(torch.linear(b.inputs(), weight, new TensorOptional(bias)), b.labels());
      }
    }
    return acc.result();
  }

  private static final class Accumulator {
    private final ClassificationMetrics metrics;
    private double lossSum;
    private long count;

    Accumulator(int classes) {
      metrics = new ClassificationMetrics(classes);
    }

    void add(Tensor logits, Tensor labels) {
      labels = labels.is_cuda() == logits.is_cuda() ? labels : labels.to(logits.device(), labels.scalar_type());
      Tensor sampleLoss = torch.nll_loss(torch.log_softmax(logits, 1), labels, new TensorOptional(), 0, -100);
      lossSum += sampleLoss.sum().item_double();
      long n = labels.size(0);
      count += n;
      Tensor predicted = logits.argmax(new LongOptional(1), false);
      long[] p = new long[(int) n];
      long[] y = new long[(int) n];
      Tensor predictedCpu = predicted.cpu().contiguous();
      Tensor labelsCpu = labels.cpu().contiguous();
      new org.bytedeco.javacpp.LongPointer(predictedCpu.data_ptr()).capacity(n).get(p);
      new org.bytedeco.javacpp.LongPointer(labelsCpu.data_ptr()).capacity(n).get(y);
      for (int i = 0; i < n; i++) metrics.add((int) y[i], (int) p[i]);
    }

    /** The result of the examples of all ranks. */
    Result summedOver(DataParallel parallel) {
      long[][] confusion = metrics.confusion();
      int k = confusion.length;
      double[] local = new double[2 + k * k];
      local[0] = lossSum;
      local[1] = count;
      for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) local[2 + i * k + j] = confusion[i][j];
      double[] total = parallel.sum(local);
      ClassificationMetrics all = new ClassificationMetrics(k);
      for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) all.add(i, j, Math.round(total[2 + i * k + j]));
      long n = Math.round(total[1]);
      return new Result(n == 0 ? Double.NaN : total[0] / n, all);
    }

    Result result() {
      return new Result(count == 0 ? Double.NaN : lossSum / count, metrics);
    }
  }
}
