package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TargetSplitTest {
  private static final List<String> CLASSES = List.of("a", "b", "c");

  /** 10 images of class a, 11 of b, 12 of c. */
  private static List<Sample> samples() {
    List<Sample> out = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < 10 + k; i++) out.add(new Sample(Path.of(CLASSES.get(k), i + ".png"), k, CLASSES.get(k) + "/" + i + ".png"));
    }
    return out;
  }

  private static long count(List<Sample> part, int label) {
    return part.stream().filter(s -> s.label() == label).count();
  }

  @Test
  void defaultsTakeHalfForTestKLabelledAndTheRestForAdaBnDisjointly() {
    TargetSplit s = TargetSplit.of(samples(), CLASSES, new TargetSplit.Sizes(null, 2, null), 0, 1);
    for (int k = 0; k < 3; k++) {
      int n = 10 + k;
      assertEquals(n / 2, count(s.test(), k));
      assertEquals(2, count(s.labelled(), k));
      assertEquals(n - n / 2 - 2, count(s.unlabelled(), k));
    }
    Set<Sample> all = new HashSet<>();
    all.addAll(s.test());
    all.addAll(s.labelled());
    all.addAll(s.unlabelled());
    assertEquals(samples().size(), all.size(), "the three parts are disjoint and cover every image");
  }

  @Test
  void theTestPartIsFixedBySplitSeedWhileTheOthersFollowTheSeed() {
    TargetSplit.Sizes sizes = new TargetSplit.Sizes(3, 2, 4);
    TargetSplit a = TargetSplit.of(samples(), CLASSES, sizes, 0, 1);
    TargetSplit b = TargetSplit.of(samples(), CLASSES, sizes, 0, 2);
    assertEquals(a.test(), b.test());
    assertNotEquals(new HashSet<>(a.labelled()), new HashSet<>(b.labelled()));
    assertEquals(a, TargetSplit.of(samples(), CLASSES, sizes, 0, 1), "deterministic");
    assertNotEquals(new HashSet<>(a.test()), new HashSet<>(TargetSplit.of(samples(), CLASSES, sizes, 5, 1).test()));
    assertEquals(12, a.unlabelled().size());
  }

  @Test
  void aClassTooSmallForTheSplitIsNamed() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> TargetSplit.of(samples(), CLASSES, new TargetSplit.Sizes(5, 5, null), 0, 1));
    assertTrue(e.getMessage().contains("class a has 10 images"), e.getMessage());
  }
}
