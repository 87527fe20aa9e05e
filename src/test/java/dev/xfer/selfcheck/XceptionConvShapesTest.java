package dev.xfer.selfcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.model.Numerics;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** The self-check's shape list is the network's: hand-counted for the full Xception, and the map sizes a real forward produces. */
class XceptionConvShapesTest {

  @Test
  void fullXceptionAt224HasTwentyFiveDistinctConvolutionsWithKerasMapSizes() {
    List<ConvShape> shapes = XceptionConvShapes.of(XceptionConfig.full(0, Numerics.KERAS), 224);
    // stem 2; block1..3: 2 separable convs (depthwise + pointwise each) + 1 shortcut = 5 each; the middle flow's
    // 728 depthwise + pointwise at 14x14 (2); the exit block adds 728->1024 and its 1x1/2 shortcut (2); conv3, conv4 (4)
    assertEquals(25, shapes.size());
    assertTrue(shapes.contains(new ConvShape(728, 1024, 1, 2, 0, 1, 14, 14)), "the exit block's shortcut at 14x14");
    assertTrue(shapes.contains(new ConvShape(3, 32, 3, 2, 0, 1, 224, 224)));
    assertTrue(shapes.contains(new ConvShape(32, 64, 3, 1, 0, 1, 111, 111)));
    assertTrue(shapes.contains(new ConvShape(1536, 1536, 3, 1, 1, 1536, 7, 7)), "conv4's depthwise at 7x7");
    assertEquals("conv 728->1024 1x1/2 at 14x14", new ConvShape(728, 1024, 1, 2, 0, 1, 14, 14).describe());
  }

  @Test
  void mapSizesAt299AreKeras() {
    // Keras' Xception summary at 299: depthwise convs of block1 at 147, block2 at 74, block3 at 37, the middle
    // flow and exit block at 19 (728 channels, one shape), conv3 and conv4 at 10
    Map<Integer, Integer> mapByChannels = new LinkedHashMap<>();
    for (ConvShape s : XceptionConvShapes.of(XceptionConfig.full(0, Numerics.KERAS), 299)) {
      if (s.groups() > 1) mapByChannels.putIfAbsent(s.in() * 10_000 + s.height(), s.height());
    }
    assertEquals(List.of(147, 147, 74, 74, 37, 37, 19, 10, 10), List.copyOf(mapByChannels.values()));
  }

  @Test
  void mapSizesMatchAForwardPassOfACompactNetwork() {
    XceptionConfig config = new XceptionConfig(0.0625, 1, 0, Numerics.TIMM);
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Xception net = new Xception(config);
      net.eval();
      for (int size : new int[] {71, 80, 97}) {
        Map<String, Long> stageSizes = new LinkedHashMap<>();
        net.forwardFeatures(torch.zeros(new long[] {1, 3, size, size}, new TensorOptions(torch.ScalarType.Float)),
            (stage, out) -> stageSizes.put(stage, out.size(2)));
        List<ConvShape> shapes = XceptionConvShapes.of(config, size);
        // the stem's output feeds block1; each downsampling block's output feeds the next; the exit convs run at the last map
        assertEquals(stageSizes.get("stem"), (long) shapes.get(2).height(), size + " px: block1's first depthwise");
        long exitMap = stageSizes.get("block" + config.blockCount());
        assertEquals(exitMap, (long) shapes.get(shapes.size() - 1).height(), size + " px: conv4's pointwise");
        for (ConvShape s : shapes) assertTrue(s.outHeight() >= 1);
      }
    }
  }
}
