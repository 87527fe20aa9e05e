package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.xfer.kernels.Normalization;
import dev.xfer.kernels.Tensors;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

/** In-memory gray images through the preprocessing path. */
class GrayImageDataTest {
  /** Image i is the constant 10 * i. */
  private static GrayImages constants(int n) {
    byte[] px = new byte[n * 28 * 28];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      Arrays.fill(px, i * 784, (i + 1) * 784, (byte) (10 * i));
      y[i] = i % 2;
    }
    return new GrayImages(28, 28, px, y);
  }

  @Test
  void aConstantGrayImageBecomesThatKerasValueInEveryChannelAndPixel() {
    GrayImageData data = new GrayImageData(List.of("a", "b"), constants(5), 71, Normalization.KERAS_XCEPTION, 3);
    try (PointerScope scope = new PointerScope()) {
      LabeledBatch b = data.batch(new int[] {4, 1});
      assertArrayEquals(new long[] {2, 3, 71, 71}, b.inputs().shape());
      float[] x = Tensors.toFloatArray(b.inputs());
      int per = 3 * 71 * 71;
      for (int i = 0; i < x.length; i++) {
        float v = i < per ? 40 : 10; // bilinear resize of a constant is that constant; then v / 127.5 - 1
        assertEquals(v / 127.5f - 1f, x[i], 1e-6f, "element " + i);
      }
      long[] y = new long[2];
      new LongPointer(b.labels().data_ptr()).capacity(2).get(y);
      assertArrayEquals(new long[] {0, 1}, y);
    }
  }

  @Test
  void everyEpochIsASeededPermutation() {
    GrayImageData data = new GrayImageData(List.of("a", "b"), constants(20), 71, Normalization.KERAS_XCEPTION, 3);
    int[] e0 = data.order(0);
    assertArrayEquals(e0, new GrayImageData(List.of("a", "b"), constants(20), 71, Normalization.KERAS_XCEPTION, 3).order(0));
    assertNotEquals(Arrays.toString(e0), Arrays.toString(data.order(1)));
    int[] sorted = e0.clone();
    Arrays.sort(sorted);
    assertArrayEquals(data.naturalOrder(), sorted);
    int count = 0;
    for (LabeledBatch b : data.batches(e0, 8)) count += (int) b.labels().size(0);
    assertEquals(20, count);
  }
}
