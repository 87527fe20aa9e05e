package dev.xfer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A slice of a data folder's examples in tfds' split syntax: {@code train} (everything),
 * {@code train[:10%]}, {@code train[10%:25%]}, {@code train[25%:]}, or absolute indices
 * {@code train[:100]}, {@code train[-50:]}. A folder is tfds' single split named {@code train}.
 *
 * <p>Bounds follow tfds ({@code tfrecords_reader._rel_to_abs_instr}, rounding "closest"): a percent
 * bound {@code p} of {@code n} examples is {@code round_half_even(p * n / 100)} (Python's
 * {@code int(round(p * n / 100.0))}, computed in double); then Python slicing: a negative index counts
 * from the end, and an absolute index beyond {@code n} is an error. For 3,670 examples,
 * {@code [:10%]}, {@code [10%:25%]}, {@code [25%:]} hold 367, 551 and 2,752 (25% is 917.5, rounded to 918).
 *
 * <p>Stratified selection (not a tfds feature) applies the same percent bounds to every class
 * separately, within the class's examples in the chosen order, and returns the union in that order.
 * Each class then appears in each split in proportion (±1 example per class from rounding), and
 * slices with shared boundaries (e.g. {@code [:10%]}, {@code [10%:25%]}, {@code [25%:]}) still
 * partition the data. Totals may differ from the unstratified split by up to one per class.
 *
 * @param name the split name (always {@code train} for a data folder)
 * @param from the start bound, or null for the beginning
 * @param to the end bound, or null for the end
 * @param percent true when the bounds are percentages, false for absolute indices
 */
public record Split(String name, Double from, Double to, boolean percent) {
  private static final Pattern SYNTAX = Pattern.compile(
      "(\\w+)(?:\\[\\s*(-?\\d+(?:\\.\\d+)?%?)?\\s*:\\s*(-?\\d+(?:\\.\\d+)?%?)?\\s*\\])?(?:\\((closest)\\))?");
  private static final String EXPECTED =
      "expected NAME or NAME[FROM:TO] with FROM and TO optional integers, or percentages like 10%"
          + " (examples: train, train[:10%], train[10%:25%], train[25%:], train[:100])";

  /** The whole folder. */
  public static final Split ALL = new Split("train", null, null, true);

  /** Parses tfds split syntax; errors name the spec and what was expected. */
  public static Split parse(String spec) {
    if (spec == null) throw new IllegalArgumentException("split: " + EXPECTED + ", found nothing");
    Matcher m = SYNTAX.matcher(spec.strip());
    if (!m.matches()) throw new IllegalArgumentException("split '" + spec + "': " + EXPECTED);
    String name = m.group(1);
    if (!name.equals("train")) {
      throw new IllegalArgumentException("split '" + spec + "': a data folder has one split, 'train' (as tfds' tf_flowers);"
          + " select parts of it with train[FROM:TO], e.g. train[:10%]");
    }
    String a = m.group(2);
    String b = m.group(3);
    boolean pa = a != null && a.endsWith("%");
    boolean pb = b != null && b.endsWith("%");
    if (a != null && b != null && pa != pb) {
      throw new IllegalArgumentException("split '" + spec + "': both bounds must use the same unit (both percentages or both indices)");
    }
    boolean percent = pa || pb || (a == null && b == null);
    Double from = a == null ? null : Double.valueOf(a.replace("%", ""));
    Double to = b == null ? null : Double.valueOf(b.replace("%", ""));
    for (Double v : new Double[] {from, to}) {
      if (v == null) continue;
      if (percent && Math.abs(v) > 100) {
        throw new IllegalArgumentException("split '" + spec + "': percentages must be between -100% and 100%, found " + v + "%");
      }
      if (!percent && v != Math.rint(v)) {
        throw new IllegalArgumentException("split '" + spec + "': absolute indices must be integers, found " + v);
      }
    }
    return new Split(name, from, to, percent);
  }

  /** {@code [start, end)} of this slice over {@code n} examples (start may equal end: empty). */
  public int[] bounds(int n) {
    int start = index(from, 0, n);
    int end = index(to, n, n);
    return new int[] {start, Math.max(start, end)};
  }

  private int index(Double bound, int open, int n) {
    if (bound == null) return open;
    long v = percent ? (long) Math.rint(bound * n / 100.0) : bound.longValue();
    if (Math.abs(v) > n) {
      throw new IllegalArgumentException("split '" + this + "': index " + v + " is outside the " + n + " examples available");
    }
    return (int) (v < 0 ? n + v : v);
  }

  /**
   * The examples of this slice: {@code samples} put in {@code order}, then sliced (per class when
   * {@code stratified}; needs percent bounds).
   */
  public List<Sample> select(List<Sample> samples, ExampleOrder order, boolean stratified) {
    List<Sample> ordered = order.sort(samples);
    if (!stratified) {
      int[] r = bounds(ordered.size());
      return List.copyOf(ordered.subList(r[0], r[1]));
    }
    if (!percent) {
      throw new IllegalArgumentException("split '" + this + "': a stratified split needs percent bounds, e.g. train[:10%]");
    }
    Set<Sample> chosen = new HashSet<>();
    List<Integer> labels = new ArrayList<>();
    for (Sample s : ordered) if (!labels.contains(s.label())) labels.add(s.label());
    Collections.sort(labels);
    for (int label : labels) {
      List<Sample> cls = new ArrayList<>();
      for (Sample s : ordered) if (s.label() == label) cls.add(s);
      int[] r = bounds(cls.size());
      chosen.addAll(cls.subList(r[0], r[1]));
    }
    List<Sample> out = new ArrayList<>(chosen.size());
    for (Sample s : ordered) if (chosen.contains(s)) out.add(s);
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    if (from == null && to == null) return name;
    String unit = percent ? "%" : "";
    return name + "[" + (from == null ? "" : fmt(from) + unit) + ":" + (to == null ? "" : fmt(to) + unit) + "]";
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
