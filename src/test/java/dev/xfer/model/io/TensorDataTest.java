package dev.xfer.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorDataTest {
  @Test
  void shapeStringFollowsPythonTuples() {
    assertEquals("(3, 3, 64, 1)", TensorData.shapeString(new long[] {3, 3, 64, 1}));
    assertEquals("(5,)", TensorData.shapeString(new long[] {5}));
    assertEquals("()", TensorData.shapeString(new long[] {}));
    assertEquals("(2, 0)", new TensorData(new long[] {2, 0}, new float[0]).shapeString());
  }

  @Test
  void numelIsTheProductOfTheShape() {
    TensorData t = new TensorData(new long[] {2, 3}, new float[6]);
    assertEquals(6, t.numel());
    assertEquals(DType.F32, t.sourceDtype());
    assertEquals(1, new TensorData(new long[] {}, new float[] {7f}, DType.I64).numel());
  }

  @Test
  void refusesAShapeThatDoesNotMatchTheValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TensorData(new long[] {2, 3}, new float[5]));
    assertTrue(e.getMessage().contains("(2, 3) has 6 elements but 5 values"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TensorData(new long[] {-1, -5}, new float[5]));
    assertThrows(IllegalArgumentException.class, () -> new TensorData(new long[] {1L << 40, 1L << 40}, new float[0]));
  }

  @Test
  void equalityComparesContents() {
    TensorData a = new TensorData(new long[] {2}, new float[] {1f, Float.NaN});
    TensorData b = new TensorData(new long[] {2}, new float[] {1f, Float.NaN});
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, new TensorData(new long[] {2}, new float[] {1f, Float.NaN}, DType.F16));
    assertNotEquals(a, new TensorData(new long[] {1, 2}, new float[] {1f, Float.NaN}));
    assertEquals("TensorData[(2,), F32]", a.toString());
  }
}
