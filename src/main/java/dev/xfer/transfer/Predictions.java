package dev.xfer.transfer;

import dev.xfer.data.Dataset;
import dev.xfer.data.LabeledBatch;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.Xception;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A model's outputs on a split in inference mode: pooled backbone features, predicted class, the
 * predicted class's softmax probability (confidence), and the true labels.
 */
public record Predictions(double[][] pooled, int[] predicted, double[] confidence, int[] labels) {

  /** Runs {@code model} (with a classifier) over {@code data} in natural order. */
  public static Predictions of(Xception model, Dataset data, int batchSize) {
    int n = data.size();
    double[][] pooled = new double[n][];
    int[] predicted = new int[n];
    double[] confidence = new double[n];
    int[] labels = new int[n];
    boolean wasTraining = model.is_training();
    model.eval();
    int row = 0;
    try {
      for (LabeledBatch b : data.inOrder(batchSize)) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
          Tensor features = model.forwardFeatures(b.inputs());
          Tensor p = model.forwardHead(features, true).contiguous();
          Tensor probs = torch.softmax(model.forwardHead(features, false), 1).contiguous();
          int rows = (int) p.size(0);
          int c = (int) p.size(1);
          int k = (int) probs.size(1);
          float[] pf = Tensors.toFloatArray(p);
          float[] pr = Tensors.toFloatArray(probs);
          long[] y = new long[rows];
          new org.bytedeco.javacpp.LongPointer(b.labels().contiguous().data_ptr()).capacity(rows).get(y);
          for (int i = 0; i < rows; i++, row++) {
            pooled[row] = new double[c];
            for (int j = 0; j < c; j++) pooled[row][j] = pf[i * c + j];
            int best = 0;
            for (int j = 1; j < k; j++) if (pr[i * k + j] > pr[i * k + best]) best = j;
            predicted[row] = best;
            confidence[row] = pr[i * k + best];
            labels[row] = (int) y[i];
          }
        }
      }
    } finally {
      model.train(wasTraining);
    }
    return new Predictions(pooled, predicted, confidence, labels);
  }

  /** Fraction of correct predictions; NaN when there are none or any image is unlabelled (label -1). */
  public double accuracy() {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0) return Double.NaN;
      if (predicted[i] == labels[i]) correct++;
    }
    return labels.length == 0 ? Double.NaN : (double) correct / labels.length;
  }

  /** Mean confidence. */
  public double meanConfidence() {
    double s = 0;
    for (double c : confidence) s += c;
    return confidence.length == 0 ? Double.NaN : s / confidence.length;
  }
}
