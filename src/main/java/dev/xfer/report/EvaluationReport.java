package dev.xfer.report;

import dev.xfer.train.ClassificationMetrics;
import dev.xfer.train.Evaluator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code xfer evaluate}'s result: loss, accuracy, per-class precision / recall / F1 and the confusion matrix
 * of {@code model} on split {@code split} of {@code data}.
 */
public record EvaluationReport(Path model, Path data, String split, Evaluator.Result r, List<String> classes) {
  /** The report as one JSON object's fields. */
  public Map<String, Object> document() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model.toString());
    m.put("data", data.toString());
    m.put("split", split);
    m.put("images", r.metrics().count());
    m.put("loss", r.loss());
    m.put("accuracy", r.accuracy());
    m.put("classes", classes);
    m.put("per_class", r.metrics().perClass(classes));
    m.put("confusion_matrix", r.metrics().confusionRows());
    return m;
  }

  /** The report as tables: the summary line, per-class scores, the confusion matrix. */
  public void printTables(PrintStream out) {
    ClassificationMetrics m = r.metrics();
    out.printf(Locale.ROOT, "%s on %s %s: %d images, loss %.4f, accuracy %.4f%n%n", model.getFileName(), data,
        split, m.count(), r.loss(), r.accuracy());
    int width = 5 + classes.stream().mapToInt(String::length).max().orElse(5);
    out.printf(Locale.ROOT, "%-" + width + "s  precision  recall     f1  support%n", "class");
    long[][] confusion = m.confusion();
    for (int c = 0; c < classes.size(); c++) {
      long support = 0;
      for (long v : confusion[c]) support += v;
      out.printf(Locale.ROOT, "%-" + width + "s  %9.4f  %6.4f  %.4f  %7d%n", classes.get(c), m.precision(c),
          m.recall(c), m.f1(c), support);
    }
    out.printf("%nconfusion matrix (rows: true class, columns: predicted)%n");
    StringBuilder header = new StringBuilder(String.format("%-" + width + "s", ""));
    for (int c = 0; c < classes.size(); c++) header.append(String.format(" %7s", "[" + c + "]"));
    out.println(header);
    for (int c = 0; c < classes.size(); c++) {
      StringBuilder row = new StringBuilder(String.format("%-" + width + "s", "[" + c + "] " + classes.get(c)));
      for (long v : confusion[c]) row.append(String.format(" %7d", v));
      out.println(row);
    }
  }
}
