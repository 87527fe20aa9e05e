package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.kernels.Normalization;
import dev.xfer.kernels.Tensors;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

/**
 * In-memory datasets free each batch's native memory when the next batch is asked for, and the last one when the
 * iteration ends, whatever scope the consumer holds: a freed JavaCPP handle reads as null.
 */
class ReleasingBatchesTest {
  @Test
  void generatedImagesFreeEachBatchWhenTheNextIsAskedFor() {
    assertReleasedInTurn(new GeneratedImages(5, 32, 3, 1));
  }

  @Test
  void grayImagesFreeEachBatchWhenTheNextIsAskedFor() {
    byte[] px = new byte[5 * 28 * 28];
    assertReleasedInTurn(new GrayImageData(List.of("a", "b"), new GrayImages(28, 28, px, new int[] {0, 1, 0, 1, 0}), 32,
        Normalization.KERAS_XCEPTION, 3));
  }

  @Test
  void aBatchOutsideIterationBelongsToTheCallersScope() {
    GeneratedImages data = new GeneratedImages(3, 32, 3, 1);
    LabeledBatch b;
    try (PointerScope scope = new PointerScope()) {
      b = data.batch(new int[] {2, 0});
      assertArrayEquals(new long[] {2, 3, 32, 32}, b.inputs().shape());
    }
    assertTrue(b.inputs().isNull() && b.labels().isNull(), "freed with the scope that was open around the call");
  }

  @Test
  void aBatchSizeBelowOneIsRefused() {
    GeneratedImages data = new GeneratedImages(3, 32, 3, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data.batches(data.naturalOrder(), 0));
    assertTrue(e.getMessage().contains("batch size"), e.getMessage());
  }

  /** Batches of 2 over 5 examples (sizes 2, 2, 1): each alive while it is the current one, freed after. */
  private static void assertReleasedInTurn(InMemoryDataset data) {
    try (PointerScope consumer = new PointerScope()) { // a scope open around the loop must not keep them
      Iterator<LabeledBatch> it = data.batches(data.naturalOrder(), 2).iterator();
      LabeledBatch first = it.next();
      assertEquals(2, first.labels().size(0));
      assertFalse(first.inputs().isNull(), "the current batch is alive");
      LabeledBatch second = it.next();
      assertTrue(first.inputs().isNull() && first.labels().isNull(), "the first batch is freed once the second is asked for");
      assertEquals(2, Tensors.toFloatArray(second.inputs()).length / (3 * 32 * 32));
      LabeledBatch third = it.next();
      assertTrue(second.inputs().isNull(), "the second batch is freed in turn");
      assertEquals(1, third.labels().size(0));
      assertFalse(it.hasNext());
      assertTrue(third.inputs().isNull() && third.labels().isNull(), "the last batch is freed when the iteration ends");
      assertThrows(NoSuchElementException.class, it::next);
    }
  }
}
