package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
  /**
   * Hand-worked: labels 0,0,0,1,1,2 predicted 0,1,0,1,1,1.
   * Confusion [[2,1,0],[0,2,0],[0,1,0]]; accuracy 4/6; class 1 precision 2/4, recall 2/2, F1 2/3;
   * class 2 never predicted: precision 0, recall 0, F1 0.
   */
  @Test
  void handWorkedExample() {
    ClassificationMetrics m = new ClassificationMetrics(3);
    int[] labels = {0, 0, 0, 1, 1, 2};
    int[] preds = {0, 1, 0, 1, 1, 1};
    for (int i = 0; i < labels.length; i++) m.add(labels[i], preds[i]);
    assertArrayEquals(new long[] {2, 1, 0}, m.confusion()[0]);
    assertArrayEquals(new long[] {0, 2, 0}, m.confusion()[1]);
    assertArrayEquals(new long[] {0, 1, 0}, m.confusion()[2]);
    assertEquals(4.0 / 6, m.accuracy(), 1e-15);
    assertEquals(1.0, m.precision(0), 1e-15);
    assertEquals(2.0 / 3, m.recall(0), 1e-15);
    assertEquals(0.5, m.precision(1), 1e-15);
    assertEquals(1.0, m.recall(1), 1e-15);
    assertEquals(2.0 / 3, m.f1(1), 1e-15);
    assertEquals(0.0, m.f1(2), 0);
    assertThrows(IllegalArgumentException.class, () -> m.add(3, 0));
  }
}
