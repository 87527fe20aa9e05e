package dev.xfer.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The {@code key=value} arguments of the benchmark main classes, in the order given. */
final class BenchArgs {
  private final Map<String, String> values = new LinkedHashMap<>();

  private BenchArgs() {}

  /**
   * Reads {@code key=value} pairs whose keys are among {@code known}; anything else (a misspelt key would
   * otherwise fall back to its default unnoticed) is refused, naming the argument and the keys accepted.
   */
  static BenchArgs parse(String[] args, String... known) {
    List<String> keys = List.of(known);
    BenchArgs parsed = new BenchArgs();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1) throw new IllegalArgumentException("argument " + arg + ": expected key=value");
      String key = arg.substring(0, eq);
      if (!keys.contains(key)) {
        throw new IllegalArgumentException("argument " + arg + ": unknown key " + key + "; expected one of "
            + String.join(", ", keys));
      }
      parsed.values.put(key, arg.substring(eq + 1));
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
    return number(key, fallback, Integer::valueOf, "an integer");
  }

  double decimal(String key, double fallback) {
    return number(key, fallback, Double::valueOf, "a number");
  }

  private <T> T number(String key, T fallback, Function<String, T> parse, String expected) {
    String value = values.get(key);
    if (value == null) return fallback;
    try {
      return parse.apply(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": expected " + expected + ", found " + value, e);
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
