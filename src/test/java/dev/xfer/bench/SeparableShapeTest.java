package dev.xfer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The FLOP and byte counts behind xfer bench's GFLOP/s and GB/s, against numbers worked out by hand. */
class SeparableShapeTest {
  @Test
  void middleFlowFlopsMatchAHandCount() {
    SeparableShape s = SeparableShape.parse("728@14");
    // depthwise: 9 multiply-adds per output, 728 x 14 x 14 = 142,688 outputs -> 2 x 9 x 142,688
    assertEquals(2_568_384, s.depthwiseFlopsPerImage());
    // pointwise: 728 multiply-adds per output, 728 x 196 = 142,688 outputs -> 2 x 728 x 142,688
    assertEquals(207_753_728, s.pointwiseFlopsPerImage());
    assertEquals(210_322_112, s.forwardFlopsPerImage());
    assertEquals(630_966_336, s.forwardBackwardFlopsPerImage());
  }

  @Test
  void exitFlowUsesBothChannelCounts() {
    SeparableShape s = SeparableShape.parse("1536-2048@7");
    assertEquals(new SeparableShape(1536, 2048, 7), s);
    // 2 x 9 x 1536 x 49 = 1,354,752; 2 x 1536 x 2048 x 49 = 308,281,344
    assertEquals(309_636_096, s.forwardFlopsPerImage());
    assertEquals(1536 * 9 + 1536 * 2048, s.weightCount());
  }

  @Test
  void bytesCountActivationsPerImageAndWeightsPerBatch() {
    SeparableShape s = SeparableShape.parse("728@14");
    // forward, float32, batch 8: x read, depthwise output written and read, output written:
    // 4 x 728 x 196 = 570,752 elements; weights 9 x 728 + 728 x 728 = 536,536 read once per batch
    // -> 536,536 / 8 = 67,067 per image; (570,752 + 67,067) x 4 bytes
    assertEquals(2_551_276, s.forwardBytesPerImage(8, 4), 1e-6);
    // forward + backward: 10 x 728 x 196 = 1,426,880 elements; weights read, read again and their
    // gradients written: 3 x 536,536 / 8 = 201,201 -> (1,426,880 + 201,201) x 4
    assertEquals(6_512_324, s.forwardBackwardBytesPerImage(8, 4), 1e-6);
  }

  @Test
  void namesRoundTripAndBadNamesAreRefused() {
    for (SeparableShape s : SeparableShape.XCEPTION) assertEquals(s, SeparableShape.parse(s.toString()));
    assertEquals("1024-1536@7", SeparableShape.parse("1024-1536@7").toString());
    assertThrows(IllegalArgumentException.class, () -> SeparableShape.parse("728"));
    assertThrows(IllegalArgumentException.class, () -> SeparableShape.parse("728-1-2@7"));
    assertThrows(IllegalArgumentException.class, () -> SeparableShape.parse("0@7"));
  }
}
