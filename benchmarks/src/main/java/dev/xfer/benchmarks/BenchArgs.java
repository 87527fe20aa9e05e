package dev.xfer.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code key=value} arguments of the benchmark main classes, in the order given. */
final class BenchArgs {
  private final Map<String, String> values = new LinkedHashMap<>();

  private BenchArgs() {}

  /** Reads {@code key=value} pairs; anything else is refused, naming the argument. */
  static BenchArgs parse(String[] args) {
    BenchArgs parsed = new BenchArgs();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1) throw new IllegalArgumentException("argument " + arg + ": expected key=value");
      parsed.values.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return parsed;
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  String text(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  int integer(String key, int fallback) {
    String value = values.get(key);
    if (value == null) return fallback;
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": expected an integer, found " + value, e);
    }
  }

  double decimal(String key, double fallback) {
    String value = values.get(key);
    if (value == null) return fallback;
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": expected a number, found " + value, e);
    }
  }

  /** The arguments as given, for handing on to worker processes. */
  Map<String, String> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
