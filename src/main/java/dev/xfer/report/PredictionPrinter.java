package dev.xfer.report;

import dev.xfer.util.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code xfer predict}'s lines: per image its top classes and their probabilities, as text or one JSON object a line. */
public final class PredictionPrinter {
  private final int topK;
  private final boolean json;
  private final PrintStream out;

  public PredictionPrinter(int topK, boolean json, PrintStream out) {
    this.topK = topK;
    this.json = json;
    this.out = out;
  }

  /** One image's {@code topK} classes by probability ({@code probs[offset .. offset + k - 1]}). */
  public void print(Path file, float[] probs, int offset, int k, List<String> names) {
    List<Integer> order = new ArrayList<>();
    for (int j = 0; j < k; j++) order.add(j);
    order.sort((a, b) -> Float.compare(probs[offset + b], probs[offset + a]));
    List<Object> top = new ArrayList<>();
    StringBuilder line = new StringBuilder(file.toString());
    for (int r = 0; r < Math.min(topK, k); r++) {
      int c = order.get(r);
      String name = c < names.size() ? names.get(c) : "class_" + c;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("class", name);
      m.put("probability", (double) probs[offset + c]);
      top.add(m);
      line.append(String.format(Locale.ROOT, "  %s %.4f", name, probs[offset + c]));
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("file", file.toString());
      doc.put("top", top);
      out.println(Json.object(doc));
    } else {
      out.println(line);
    }
  }
}
