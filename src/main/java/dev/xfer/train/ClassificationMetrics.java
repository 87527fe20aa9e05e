package dev.xfer.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates predictions against labels: accuracy, the confusion matrix (rows: true class,
 * columns: predicted class) and per-class precision, recall and F1. A class that is never
 * predicted (or never present) gets precision (or recall) 0, as scikit-learn's zero_division=0.
 */
public final class ClassificationMetrics {
  private final long[][] confusion;

  public ClassificationMetrics(int numClasses) {
    if (numClasses < 1) throw new IllegalArgumentException("classes: expected >= 1, found " + numClasses);
    confusion = new long[numClasses][numClasses];
  }

  /** Adds {@code n} predictions of {@code predicted} for examples of class {@code label} (merging counts). */
  public void add(int label, int predicted, long n) {
    if (n < 0) throw new IllegalArgumentException("count: expected >= 0, found " + n);
    add(label, predicted);
    confusion[label][predicted] += n - 1;
  }

  /** Adds one prediction. */
  public void add(int label, int predicted) {
    int k = confusion.length;
    if (label < 0 || label >= k || predicted < 0 || predicted >= k) {
      throw new IllegalArgumentException("label/prediction: expected classes in [0, " + k + "), found " + label + "/" + predicted);
    }
    confusion[label][predicted]++;
  }

  public long count() {
    long n = 0;
    for (long[] row : confusion) for (long v : row) n += v;
    return n;
  }

  public double accuracy() {
    long correct = 0;
    for (int i = 0; i < confusion.length; i++) correct += confusion[i][i];
    long n = count();
    return n == 0 ? 0 : (double) correct / n;
  }

  public double precision(int c) {
    long predicted = 0;
    for (long[] row : confusion) predicted += row[c];
    return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
  }

  public double recall(int c) {
    long actual = 0;
    for (long v : confusion[c]) actual += v;
    return actual == 0 ? 0 : (double) confusion[c][c] / actual;
  }

  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** A copy of the confusion matrix. */
  public long[][] confusion() {
    long[][] copy = new long[confusion.length][];
    for (int i = 0; i < confusion.length; i++) copy[i] = confusion[i].clone();
    return copy;
  }

  /** Per-class precision/recall/F1/support by class name, for reports. */
  public Map<String, Map<String, Object>> perClass(List<String> classNames) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (int c = 0; c < confusion.length; c++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("precision", precision(c));
      m.put("recall", recall(c));
      m.put("f1", f1(c));
      long support = 0;
      for (long v : confusion[c]) support += v;
      m.put("support", support);
      out.put(c < classNames.size() ? classNames.get(c) : "class_" + c, m);
    }
    return out;
  }

  /** The confusion matrix as nested lists (JSON-friendly). */
  public List<List<Long>> confusionRows() {
    List<List<Long>> rows = new ArrayList<>();
    for (long[] row : confusion) {
      List<Long> r = new ArrayList<>();
      for (long v : row) r.add(v);
      rows.add(r);
    }
    return rows;
  }
}
