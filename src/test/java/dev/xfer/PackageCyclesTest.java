package dev.xfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of dev.xfer form a layered graph: no package depends, directly or through others, on a
 * package that depends on it. Dependencies are read from the sources (imports and fully qualified
 * names in code, comments and string literals left out); the strongly connected components of that
 * graph (Tarjan) must all be single packages.
 */
class PackageCyclesTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.xfer\\.((?:[a-z][a-z0-9_]*\\.)*[a-z][a-z0-9_]*)\\.[A-Z]");
  private static final Pattern PACKAGE = Pattern.compile("^package\\s+dev\\.xfer\\.([\\w.]+);", Pattern.MULTILINE);

  @Test
  void theMainSourcesHaveNoPackageCycle() {
    Map<String, Set<String>> graph = dependencies(SOURCES);
    assertTrue(graph.containsKey("cli") && graph.get("cli").contains("train"), "graph read from " + SOURCES + ": " + graph);
    List<Set<String>> cycles = cycles(graph);
    assertTrue(cycles.isEmpty(), () -> "package cycles: " + describe(cycles, graph));
  }

  @Test
  void findsAnInjectedCycleAndOnlyIt() {
    Map<String, Set<String>> graph = new TreeMap<>();
    graph.put("cli", Set.of("train", "data"));
    graph.put("train", Set.of("model", "data"));
    graph.put("model", Set.of("util", "dist"));
    graph.put("dist", Set.of("train")); // train -> model -> dist -> train
    graph.put("data", Set.of("util"));
    assertEquals(List.of(Set.of("dist", "model", "train")), cycles(graph));
    graph.put("dist", Set.of("util"));
    assertEquals(List.of(), cycles(graph));
  }

  @Test
  void readsImportsAndQualifiedNamesButNotComments() {
    String source = """
        package dev.xfer.train;
        import dev.xfer.model.Xception;
        /** Unlike dev.xfer.report.Charts, ... */
        class A { // dev.xfer.cli.Main
          String s = "dev.xfer.demo.Demo";
          Object o = dev.xfer.util.Machine.describe();
        }
        """;
    assertEquals(Set.of("model", "util"), references(source));
  }

  /** Package (relative to dev.xfer) to the packages its classes refer to. */
  static Map<String, Set<String>> dependencies(Path root) {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        Matcher pkg = PACKAGE.matcher(source);
        if (!pkg.find()) continue;
        Set<String> targets = graph.computeIfAbsent(pkg.group(1), k -> new TreeSet<>());
        for (String target : references(source)) {
          if (!target.equals(pkg.group(1))) targets.add(target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  /** The dev.xfer packages that {@code source} refers to (its own included), outside comments and strings. */
  static Set<String> references(String source) {
    String code = withoutCommentsAndStrings(source).replaceFirst("package\\s+[\\w.]+;", "");
    Set<String> packages = new TreeSet<>();
    Matcher m = REFERENCE.matcher(code);
    while (m.find()) packages.add(m.group(1));
    return packages;
  }

  private static String withoutCommentsAndStrings(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("/*", i)) {
        int end = s.indexOf("*/", i + 2);
        i = end < 0 ? s.length() : end + 2;
        out.append(' ');
      } else if (s.startsWith("//", i)) {
        int end = s.indexOf('\n', i);
        i = end < 0 ? s.length() : end;
      } else if (s.startsWith("\"\"\"", i)) {
        int end = s.indexOf("\"\"\"", i + 3);
        i = end < 0 ? s.length() : end + 3;
        out.append("\"\"");
      } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
        char quote = s.charAt(i++);
        while (i < s.length() && s.charAt(i) != quote) i += s.charAt(i) == '\\' ? 2 : 1;
        i++;
        out.append("\"\"");
      } else {
        out.append(s.charAt(i++));
      }
    }
    return out.toString();
  }

  /** The strongly connected components of more than one package (Tarjan's algorithm), each sorted. */
  static List<Set<String>> cycles(Map<String, Set<String>> graph) {
    Tarjan t = new Tarjan(graph);
    for (String v : new TreeSet<>(graph.keySet())) {
      if (!t.index.containsKey(v)) t.connect(v);
    }
    return t.cycles;
  }

  private static final class Tarjan {
    final Map<String, Set<String>> graph;
    final Map<String, Integer> index = new HashMap<>();
    final Map<String, Integer> low = new HashMap<>();
    final Deque<String> stack = new ArrayDeque<>();
    final Set<String> onStack = new TreeSet<>();
    final List<Set<String>> cycles = new ArrayList<>();

    Tarjan(Map<String, Set<String>> graph) {
      this.graph = graph;
    }

    void connect(String v) {
      index.put(v, index.size());
      low.put(v, index.get(v));
      stack.push(v);
      onStack.add(v);
      for (String w : new TreeSet<>(graph.getOrDefault(v, Set.of()))) {
        if (!index.containsKey(w)) {
          connect(w);
          low.put(v, Math.min(low.get(v), low.get(w)));
        } else if (onStack.contains(w)) {
          low.put(v, Math.min(low.get(v), index.get(w)));
        }
      }
      if (low.get(v).equals(index.get(v))) {
        Set<String> component = new TreeSet<>();
        String w;
        do {
          w = stack.pop();
          onStack.remove(w);
          component.add(w);
        } while (!w.equals(v));
        if (component.size() > 1) cycles.add(component);
      }
    }
  }

  private static String describe(List<Set<String>> cycles, Map<String, Set<String>> graph) {
    StringBuilder sb = new StringBuilder();
    for (Set<String> cycle : cycles) {
      sb.append("\n  ").append(cycle).append(':');
      for (String a : cycle) {
        for (String b : graph.getOrDefault(a, Set.of())) {
          if (cycle.contains(b)) sb.append(' ').append(a).append(" -> ").append(b).append(';');
        }
      }
    }
    return sb.toString();
  }
}
