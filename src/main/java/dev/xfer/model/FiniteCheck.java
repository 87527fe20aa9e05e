package dev.xfer.model;

import dev.xfer.model.io.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Values that can only be mistakes: a NaN or infinity in a weight or an input, a negative BatchNorm
 * running variance (its square root is taken). Each problem is described in one line naming the tensor
 * (or the input item), how many values are wrong and the first of them.
 */
public final class FiniteCheck {
  /** Suffix of the BatchNorm statistic that must not be negative. */
  private static final String RUNNING_VAR = "running_var";

  private FiniteCheck() {}

  /** What is wrong with {@code stateDict}'s values, one line per bad tensor (empty when nothing is). */
  public static List<String> problems(Map<String, TensorData> stateDict) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, TensorData> e : stateDict.entrySet()) {
      String name = e.getKey();
      float[] v = e.getValue().values();
      String nonFinite = describeNonFinite(v, 0, v.length);
      if (nonFinite != null) {
        out.add("tensor '" + name + "' " + e.getValue().shapeString() + " has " + nonFinite);
      } else if (name.endsWith(RUNNING_VAR)) {
        String negative = describeNegative(v);
        if (negative != null) out.add("tensor '" + name + "' " + e.getValue().shapeString() + " has " + negative
            + " (a BatchNorm variance must be >= 0)");
      }
    }
    return out;
  }

  /**
   * The non-finite values of {@code v[from .. to)}, as "2 non-finite values (first NaN at index 7)",
   * index relative to {@code from}; null when all are finite.
   */
  public static String describeNonFinite(float[] v, int from, int to) {
    int count = 0;
    int first = -1;
    for (int i = from; i < to; i++) {
      if (!Float.isFinite(v[i])) {
        if (count++ == 0) first = i;
      }
    }
    if (count == 0) return null;
    return count + (count == 1 ? " non-finite value" : " non-finite values") + " (first " + v[first] + " at index "
        + (first - from) + ")";
  }

  /** Per item of a float (N, ...) array: the first item with a non-finite value, described; null when none. */
  public static String firstNonFiniteItem(float[] v, long items) {
    if (items <= 0) return null;
    int per = Math.toIntExact(v.length / items);
    for (int item = 0; item < items; item++) {
      String d = describeNonFinite(v, item * per, (item + 1) * per);
      if (d != null) return String.format(Locale.ROOT, "item %d of %d has %s", item, items, d);
    }
    return null;
  }

  private static String describeNegative(float[] v) {
    int count = 0;
    int first = -1;
    for (int i = 0; i < v.length; i++) {
      if (v[i] < 0) {
        if (count++ == 0) first = i;
      }
    }
    if (count == 0) return null;
    return count + (count == 1 ? " negative value" : " negative values") + " (first " + v[first] + " at index " + first + ")";
  }

  /** One line for all of {@code problems}: the first, and how many more tensors there are. */
  public static String summary(List<String> problems) {
    String more = problems.size() > 1 ? "; and " + (problems.size() - 1) + " more tensors" : "";
    return problems.get(0) + more;
  }
}
