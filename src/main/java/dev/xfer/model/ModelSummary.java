package dev.xfer.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** A Keras-style summary: per stage output shape and parameter count, totals, trainable and not. */
public final class ModelSummary {
  /** One row: stage name, output shape for a batch of one, and its parameters (BN statistics included). */
  public record Row(String stage, long[] outputShape, long params) {}

  private final List<Row> rows;
  private final long trainable;
  private final long nonTrainable;

  private ModelSummary(List<Row> rows, long trainable, long nonTrainable) {
    this.rows = rows;
    this.trainable = trainable;
    this.nonTrainable = nonTrainable;
  }

  /**
   * Runs one image of {@code imageSize} through {@code model} to find the shapes. Non-trainable
   * counts are BatchNorm running statistics plus frozen parameters, as Keras counts them.
   */
  public static ModelSummary of(Xception model, int imageSize) {
    Map<String, Long> paramsByStage = new LinkedHashMap<>();
    long trainable = 0;
    long nonTrainable = 0;
    for (Map.Entry<String, Tensor> e : StateDict.tensorsOf(model).entrySet()) {
      long n = e.getValue().numel();
      paramsByStage.merge(Xception.stageOf(e.getKey()), n, Long::sum);
      if (e.getValue().requires_grad()) trainable += n;
      else nonTrainable += n;
    }
    List<Row> rows = new ArrayList<>();
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      boolean wasTraining = model.is_training();
      model.eval();
      Tensor features = model.forwardFeatures(torch.zeros(1, 3, imageSize, imageSize),
          (stage, out) -> rows.add(new Row(stage, StateDict.shapeOf(out), paramsByStage.getOrDefault(stage, 0L))));
      Tensor pooled = model.forwardHead(features, true);
      rows.add(new Row("avg_pool", StateDict.shapeOf(pooled), 0));
      if (model.hasClassifier()) {
        rows.add(new Row("head", StateDict.shapeOf(model.forwardHead(features, false)), paramsByStage.getOrDefault("head", 0L)));
      }
      model.train(wasTraining);
    }
    return new ModelSummary(List.copyOf(rows), trainable, nonTrainable);
  }

  public List<Row> rows() {
    return rows;
  }

  public long totalParams() {
    return trainable + nonTrainable;
  }

  public long trainableParams() {
    return trainable;
  }

  public long nonTrainableParams() {
    return nonTrainable;
  }

  /** The table as text, Keras' layout. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-10s %-24s %14s%n", "Stage", "Output shape", "Param #"));
    sb.append("=".repeat(50)).append('\n');
    for (Row r : rows) {
      StringBuilder shape = new StringBuilder("(None");
      for (int i = 1; i < r.outputShape().length; i++) shape.append(", ").append(r.outputShape()[i]);
      sb.append(String.format("%-10s %-24s %,14d%n", r.stage(), shape.append(')'), r.params()));
    }
    sb.append("=".repeat(50)).append('\n');
    sb.append(String.format("Total params: %,d%n", totalParams()));
    sb.append(String.format("Trainable params: %,d%n", trainable));
    sb.append(String.format("Non-trainable params: %,d%n", nonTrainable));
    return sb.toString();
  }
}
