package dev.xfer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.model.io.TensorData;
import dev.xfer.testing.PointerScopeExtension;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PointerScopeExtension.class)
class StateDictTest {
  @Test
  void tensorHandlesOutliveTheScopeAndDictionaryTheyCameFrom() {
    Xception model = new Xception(new XceptionConfig(0.25, 0, 2, Numerics.KERAS));
    Map<String, Tensor> handles;
    try (PointerScope scope = new PointerScope()) {
      handles = StateDict.tensorsOf(model); // LibTorch's dictionaries are freed with this scope
    }
    for (int i = 0; i < 3; i++) System.gc();
    Tensor weight = handles.get("fc.weight");
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      weight.fill_(new Scalar(0.5));
      Tensor inModule = model.named_parameters().get("fc.weight");
      assertEquals(0.5 * inModule.numel(), inModule.sum().item_double(), 1e-9, "a write through the handle reaches the module");
      assertTrue(weight.requires_grad(), "the handle shares autograd state");
    }
  }

  @Test
  void reportsMissingExtraAndMisShapedTensorsByName() {
    Xception model = new Xception(new XceptionConfig(0.25, 1, 0, Numerics.KERAS));
    Map<String, TensorData> weights = new LinkedHashMap<>(StateDict.export(model));
    weights.remove("bn2.running_var");
    weights.put("block9.rep.1.conv1.weight", new TensorData(new long[] {1}, new float[] {0}));
    weights.put("conv1.weight", new TensorData(new long[] {8, 3, 5, 5}, new float[8 * 3 * 25]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StateDict.load(model, weights, "w.safetensors"));
    assertEquals("w.safetensors: weights do not fit the model: missing tensors bn2.running_var; "
        + "unexpected tensors block9.rep.1.conv1.weight; conv1.weight: expected shape (8, 3, 3, 3), found (8, 3, 5, 5)",
        e.getMessage());
  }

  @Test
  void loadCopiesValuesAndIgnoresBatchCounters() {
    Xception source = new Xception(new XceptionConfig(0.25, 0, 2, Numerics.TIMM));
    Xception target = new Xception(new XceptionConfig(0.25, 0, 2, Numerics.TIMM));
    Map<String, TensorData> weights = new LinkedHashMap<>(StateDict.export(source));
    weights.put("bn1.num_batches_tracked", new TensorData(new long[] {}, new float[] {3}));
    StateDict.load(target, weights, "test");
    ModelFileTest.assertSameTensors(StateDict.export(source), StateDict.export(target));
    assertTrue(StateDict.export(target).keySet().stream().noneMatch(k -> k.endsWith("num_batches_tracked")));
  }

  /** Keras layouts and back: the mapping and its inverse are each other's identity. */
  @Test
  void kerasLayerListRoundTrips() {
    Xception model = new Xception(XceptionConfig.full(4, Numerics.KERAS));
    Map<String, TensorData> sd = StateDict.export(model);
    var layers = KerasXceptionMapping.toKerasLayers(sd, 12);
    assertEquals("block1_conv1", layers.get(0).name());
    assertEquals(81, layers.size(), "80 weighted layers + predictions");
    Map<String, TensorData> back = KerasXceptionMapping.toStateDict(
        new dev.xfer.model.io.KerasWeights("2", "tensorflow", layers), 12, "test");
    ModelFileTest.assertSameTensors(sd, back);
  }
}
