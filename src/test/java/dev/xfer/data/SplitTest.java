package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** tfds slicing: syntax, rounding, and the stratified variant. */
class SplitTest {
  /** Oracle: Python's int(round(p * n / 100.0)) written out in exact decimal with round-half-even. */
  private static int pythonRound(int pct, int n) {
    return new BigDecimal(pct).multiply(new BigDecimal(n)).divide(new BigDecimal(100)).setScale(0, RoundingMode.HALF_EVEN).intValueExact();
  }

  private static int count(String spec, int n) {
    int[] b = Split.parse(spec).bounds(n);
    return b[1] - b[0];
  }

  @Test
  void tfFlowersSplitSizes() {
    assertEquals(367, count("train[:10%]", 3670));
    assertEquals(551, count("train[10%:25%]", 3670));
    assertEquals(2752, count("train[25%:]", 3670));
    assertArrayEquals(new int[] {367, 918}, Split.parse("train[10%:25%]").bounds(3670)); // 917.5 rounds to even 918
  }

  @Test
  void awkwardSizesMatchHandComputedNumbers() {
    // n: [:10%], [10%:25%], [25%:]  (python3: int(round(p*n/100.0)))
    int[][] expected = {{1, 0, 0, 1}, {2, 0, 0, 2}, {6, 1, 1, 4}, {7, 1, 1, 5}, {10, 1, 1, 8}};
    for (int[] e : expected) {
      int n = e[0];
      assertEquals(e[1], count("train[:10%]", n), "n=" + n);
      assertEquals(e[2], count("train[10%:25%]", n), "n=" + n);
      assertEquals(e[3], count("train[25%:]", n), "n=" + n);
    }
  }

  @Test
  void percentBoundsMatchPythonRoundingOracle() {
    for (int n = 0; n <= 400; n++) {
      for (int pct = 0; pct <= 100; pct++) {
        int end = Split.parse("train[:" + pct + "%]").bounds(n)[1];
        assertEquals(pythonRound(pct, n), end, "n=" + n + " pct=" + pct);
        if (pct == 0) continue; // -0 is 0 in Python
        int start = Split.parse("train[-" + pct + "%:]").bounds(n)[0];
        int r = pythonRound(pct, n); // round(-x) == -round(x); a bound of -0 is 0 in Python, i.e. the start
        assertEquals(r == 0 ? 0 : n - r, start, "negative n=" + n + " pct=" + pct);
      }
    }
  }

  @Test
  void absoluteIndicesFollowPythonSlicing() {
    assertArrayEquals(new int[] {0, 100}, Split.parse("train[:100]").bounds(3670));
    assertArrayEquals(new int[] {3620, 3670}, Split.parse("train[-50:]").bounds(3670));
    assertArrayEquals(new int[] {10, 20}, Split.parse("train[10:20]").bounds(3670));
    assertArrayEquals(new int[] {0, 3670}, Split.parse("train").bounds(3670));
    assertArrayEquals(new int[] {0, 3670}, Split.parse(" train[:] ").bounds(3670));
    assertArrayEquals(new int[] {20, 20}, Split.parse("train[20:10]").bounds(3670));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Split.parse("train[:5000]").bounds(3670));
    assertTrue(e.getMessage().contains("train[:5000]") && e.getMessage().contains("3670"), e.getMessage());
  }

  @Test
  void parseErrorsNameTheSpecAndWhatWasExpected() {
    for (String bad : new String[] {"train[:10", "train[a:b]", "train[1.5:]", "train[:150%]", "train[10%:20]", "", "val[:10%]"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Split.parse(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
      assertTrue(e.getMessage().matches("(?s).*(expected|must|one split).*"), e.getMessage());
    }
    assertEquals("train[10%:25%]", Split.parse("train[10%:25%]").toString());
  }

  private static List<Sample> samples(int... perClass) {
    List<Sample> out = new ArrayList<>();
    for (int c = 0; c < perClass.length; c++) {
      for (int i = 0; i < perClass[c]; i++) out.add(new Sample(Path.of("c" + c, i + ".jpg"), c, "c" + c + "/" + i + ".jpg"));
    }
    return out;
  }

  @Test
  void selectionIsTheSliceOfTheOrderedList() {
    List<Sample> all = samples(30, 20);
    List<Sample> ordered = ExampleOrder.tfds().sort(all);
    assertEquals(ordered.subList(5, 12), // 10% of 50 = 5; 25% = 12.5 -> 12 (half to even)
        Split.parse("train[10%:25%]").select(all, ExampleOrder.tfds(), false));
  }

  @Test
  void stratifiedKeepsClassProportionsAndPartitions() {
    List<Sample> all = samples(50, 30, 20, 3);
    String[] specs = {"train[:10%]", "train[10%:25%]", "train[25%:]"};
    int[][] perClass = new int[3][4];
    Set<Sample> union = new HashSet<>();
    int total = 0;
    List<Sample> ordered = ExampleOrder.tfds().sort(all);
    for (int k = 0; k < 3; k++) {
      List<Sample> part = Split.parse(specs[k]).select(all, ExampleOrder.tfds(), true);
      for (Sample s : part) perClass[k][s.label()]++;
      union.addAll(part);
      total += part.size();
      List<Sample> inGlobalOrder = new ArrayList<>(ordered);
      inGlobalOrder.retainAll(part);
      assertEquals(inGlobalOrder, part, "keeps the global order");
    }
    assertEquals(all.size(), total, "disjoint");
    assertEquals(new HashSet<>(all), union, "covers everything");
    // per class c of size n: round(10% n), round(25% n) - round(10% n), rest
    assertArrayEquals(new int[] {5, 3, 2, 0}, perClass[0]);
    assertArrayEquals(new int[] {7, 5, 3, 1}, perClass[1]); // 12.5 -> 12 (even) - 5; 7.5 -> 8 - 3; 5 - 2; 0.75 -> 1 - 0
    assertArrayEquals(new int[] {38, 22, 15, 2}, perClass[2]);
    assertThrows(IllegalArgumentException.class, () -> Split.parse("train[:10]").select(all, ExampleOrder.tfds(), true));
  }
}
