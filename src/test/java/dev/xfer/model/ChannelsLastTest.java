package dev.xfer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.kernels.Tensors;
import dev.xfer.model.io.TensorData;
import dev.xfer.testing.PointerScopeExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Channels-last is a layout, not a different model: same values, same outputs and gradients, same model file. */
@ExtendWith(PointerScopeExtension.class)
class ChannelsLastTest {
  private static final XceptionConfig CONFIG = new XceptionConfig(0.0625, 1, 3, Numerics.KERAS);
  @TempDir Path dir;

  private static Xception model() {
    torch.manual_seed(11);
    return new Xception(CONFIG);
  }

  @Test
  void sameValuesOutputsAndGradientsAsTheNchwModel() {
    Xception nchw = model();
    Xception nhwc = model();
    nhwc.useChannelsLast();
    assertTrue(nhwc.channelsLast());
    Tensor w = nhwc.named_parameters().get("conv1.weight");
    assertFalse(w.is_contiguous(), "the weight is stored NHWC now");
    assertTrue(w.is_contiguous(torch.MemoryFormat.ChannelsLast));
    Map<String, TensorData> a = StateDict.export(nchw);
    Map<String, TensorData> b = StateDict.export(nhwc);
    assertEquals(a.keySet(), b.keySet());
    for (String name : a.keySet()) assertArrayEquals(a.get(name).values(), b.get(name).values(), 0f, name + ": values unchanged");

    Tensor x = torch.randn(new long[] {2, 3, 71, 71}, new TensorOptions(torch.ScalarType.Float));
    Tensor y = Tensors.ofLongs(new long[] {0, 2});
    nchw.train(true);
    nhwc.train(true);
    Tensor la = nchw.forward(x);
    Tensor lb = nhwc.forward(x);
    assertClose(Tensors.toFloatArray(la), Tensors.toFloatArray(lb), 1e-4, "logits");
    torch.cross_entropy(la, y).backward();
    torch.cross_entropy(lb, y).backward();
    Map<String, Tensor> pa = StateDict.tensorsOf(nchw);
    Map<String, Tensor> pb = StateDict.tensorsOf(nhwc);
    int compared = 0;
    for (String name : pa.keySet()) {
      Tensor ga = pa.get(name).grad();
      if (!ga.defined()) continue; // buffers
      assertClose(Tensors.toFloatArray(ga.contiguous()), Tensors.toFloatArray(pb.get(name).grad().contiguous()), 1e-3,
          name + " gradient");
      compared++;
    }
    assertTrue(compared > 20, "gradients compared: " + compared);
  }

  @Test
  void aModelFileWrittenFromChannelsLastWeightsHoldsTheirValues() throws Exception {
    Xception nhwc = model();
    nhwc.useChannelsLast();
    Path file = dir.resolve("m.safetensors");
    ModelFile.save(file, nhwc, Preprocessing.keras(71), List.of("a", "b", "c"));
    Xception reloaded = ModelLoader.load(file, ModelLoader.Format.AUTO, null, null).build("test");
    Map<String, TensorData> expected = StateDict.export(model());
    Map<String, TensorData> found = StateDict.export(reloaded);
    for (String name : expected.keySet()) {
      assertArrayEquals(expected.get(name).values(), found.get(name).values(), 0f, name);
    }
  }

  /** Every element within {@code rel} of the largest magnitude in {@code expected}. */
  private static void assertClose(float[] expected, float[] found, double rel, String what) {
    assertEquals(expected.length, found.length, what);
    double max = 0;
    for (float v : expected) max = Math.max(max, Math.abs(v));
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], found[i], rel * Math.max(max, 1e-6), what + " [" + i + "]");
    }
  }
}
