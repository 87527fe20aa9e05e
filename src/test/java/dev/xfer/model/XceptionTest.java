package dev.xfer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.testing.PointerScopeExtension;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PointerScopeExtension.class)
class XceptionTest {
  /** Keras' published model.summary() totals (Keras' applications documentation: 22,910,480 with the top). */
  @Test
  void fullSizeParameterCountsMatchKeras() {
    Xception notop = new Xception(XceptionConfig.full(0, Numerics.KERAS));
    assertEquals(20_806_952L, count(notop.named_parameters()), "trainable (no top)");
    assertEquals(54_528L, countRunningStats(notop.named_buffers()), "BN moving mean + variance");
    Xception top = new Xception(XceptionConfig.full(1000, Numerics.KERAS));
    assertEquals(22_910_480L, count(top.named_parameters()) + countRunningStats(top.named_buffers()));
  }

  @Test
  void stateDictNamesFollowTimmLegacyXception() {
    List<String> names = names(new Xception(XceptionConfig.full(1000, Numerics.TIMM)).named_parameters());
    for (String key : List.of("conv1.weight", "bn1.weight", "block1.rep.0.conv1.weight",
        "block1.rep.0.pointwise.weight", "block1.rep.1.weight", "block1.rep.3.conv1.weight",
        "block1.rep.4.bias", "block1.skip.weight", "block1.skipbn.weight", "block2.rep.1.conv1.weight",
        "block2.rep.5.weight", "block4.rep.7.pointwise.weight", "block4.rep.8.weight",
        "block12.rep.1.conv1.weight", "block12.rep.4.pointwise.weight", "block12.skip.weight",
        "conv3.conv1.weight", "conv4.pointwise.weight", "bn4.weight", "fc.weight", "fc.bias")) {
      assertTrue(names.contains(key), "missing " + key);
    }
    assertTrue(names.stream().noneMatch(n -> n.startsWith("block13")), "only 12 blocks at M=8");
  }

  @Test
  void featureMapSizesFollowTfSamePadding() {
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      Xception tiny = new Xception(new XceptionConfig(0.125, 1, 0, Numerics.KERAS));
      tiny.eval();
      assertEquals(List.of(1L, 256L, 7L, 7L), shape(tiny.forwardFeatures(torch.randn(1, 3, 224, 224))));
      assertEquals(List.of(1L, 256L, 10L, 10L), shape(tiny.forwardFeatures(torch.randn(1, 3, 299, 299))));
      assertEquals(List.of(1L, 256L, 3L, 3L), shape(tiny.forwardFeatures(torch.randn(1, 3, 71, 71))));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> tiny.forwardFeatures(torch.randn(1, 3, 70, 90)));
      assertTrue(e.getMessage().contains("at least 71"), e.getMessage());
    }
  }

  @Test
  void samePaddingMatchesTfRule() {
    // pad_total = max((ceil(in/2) - 1) * 2 + 3 - in, 0): odd inputs pad 1+1, even inputs 0+1
    assertEquals(2, MaxPool.samePadding(109));
    assertEquals(2, MaxPool.samePadding(55));
    assertEquals(1, MaxPool.samePadding(28));
    assertEquals(1, MaxPool.samePadding(14));
    assertEquals(1, MaxPool.samePadding(74));
  }

  /** The copy-free 'same' pool equals the explicit -inf padded copy, forward and backward, both layouts. */
  @Test
  void samePoolWithoutCopyMatchesThePaddedCopy() {
    long[][] sizes = {{1, 1}, {2, 2}, {2, 3}, {5, 4}, {14, 15}, {28, 28}, {55, 55}, {109, 110}};
    for (long[] hw : sizes) {
      for (boolean channelsLast : new boolean[] {false, true}) {
        try (PointerScope scope = new PointerScope()) {
          Tensor base = torch.randn(2, 3, hw[0], hw[1]);
          if (channelsLast) base = base.contiguous(torch.MemoryFormat.ChannelsLast);
          Tensor a = base.detach().requires_grad_(true);
          Tensor b = base.detach().requires_grad_(true);
          Tensor outA = MaxPool.apply3x3s2(a, true);
          Tensor outB = paddedCopyPool(b);
          String where = hw[0] + "x" + hw[1] + (channelsLast ? " channels-last" : " NCHW");
          assertEquals(shape(outB), shape(outA), where);
          assertTrue(torch.equal(outA, outB), "forward " + where);
          Tensor weights = torch.randn_like(outA);
          outA.mul(weights).sum().backward();
          outB.mul(weights).sum().backward();
          assertTrue(torch.equal(a.grad(), b.grad()), "backward " + where);
        }
      }
    }
  }

  /** The TF 'same' pool as written: an explicit -inf padded copy, then an unpadded pool. */
  private static Tensor paddedCopyPool(Tensor x) {
    long padH = MaxPool.samePadding(x.size(2));
    long padW = MaxPool.samePadding(x.size(3));
    Tensor padded = torch.constant_pad_nd(x, new long[] {padW / 2, padW - padW / 2, padH / 2, padH - padH / 2},
        new org.bytedeco.pytorch.Scalar(Float.NEGATIVE_INFINITY));
    return torch.max_pool2d(padded, new long[] {3, 3}, new long[] {2, 2}, new long[] {0, 0}, new long[] {1, 1}, false);
  }

  @Test
  void stagesCoverEveryTensor() {
    Xception m = new Xception(XceptionConfig.full(5, Numerics.KERAS));
    List<String> stages = m.stageNames();
    assertEquals(15, stages.size());
    for (String name : names(m.named_parameters())) assertTrue(stages.contains(Xception.stageOf(name)), name);
    m.resetClassifier(0);
    assertTrue(names(m.named_parameters()).stream().noneMatch(n -> n.startsWith("fc")));
  }

  static long count(StringTensorDict dict) {
    long total = 0;
    for (long i = 0; i < dict.size(); i++) total += dict.get(i).value().numel();
    return total;
  }

  static long countRunningStats(StringTensorDict dict) {
    long total = 0;
    for (long i = 0; i < dict.size(); i++) {
      String key = dict.get(i).key().getString();
      if (key.endsWith("running_mean") || key.endsWith("running_var")) total += dict.get(i).value().numel();
    }
    return total;
  }

  static List<String> names(StringTensorDict dict) {
    List<String> names = new ArrayList<>();
    for (long i = 0; i < dict.size(); i++) names.add(dict.get(i).key().getString());
    return names;
  }

  static List<Long> shape(Tensor t) {
    List<Long> s = new ArrayList<>();
    for (int i = 0; i < t.dim(); i++) s.add(t.size(i));
    return s;
  }
}
