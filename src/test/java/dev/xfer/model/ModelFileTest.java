package dev.xfer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.testing.PointerScopeExtension;
import dev.xfer.util.Json;
import dev.xfer.model.io.KerasH5;
import dev.xfer.model.io.KerasWeights;
import dev.xfer.model.io.SafeTensors;
import dev.xfer.model.io.SafeTensorsFile;
import dev.xfer.model.io.TensorData;
import dev.xfer.model.io.WeightFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PointerScopeExtension.class)
class ModelFileTest {
  @TempDir Path dir;

  @Test
  void saveThenLoadGivesIdenticalTensorsAndMetadata() throws Exception {
    Xception model = new Xception(new XceptionConfig(0.25, 1, 3, Numerics.KERAS));
    Path file = dir.resolve("model.safetensors");
    List<String> classes = List.of("daisy", "roses \"red\"", "tulips");
    ModelFile.save(file, model, Preprocessing.keras(224), classes);

    LoadedModel loaded = ModelLoader.load(file, ModelLoader.Format.AUTO, null, null);
    assertEquals("xfer", loaded.format());
    assertEquals(model.config(), loaded.config());
    assertEquals(classes, loaded.classNames());
    assertEquals(224, loaded.preprocessing().imageSize());
    assertEquals(127.5f, loaded.preprocessing().normalization().scaleDiv());
    assertEquals(dev.xfer.kernels.JpegIdct.FAST, loaded.preprocessing().jpegIdct());
    assertSameTensors(StateDict.export(model), StateDict.export(loaded.build("model.safetensors")));
  }

  /** Python's safetensors reads the file: an 8-byte little-endian length, then a JSON object header. */
  @Test
  void headerIsPlainSafetensorsJsonWithTheDocumentedKeys() throws Exception {
    Xception model = new Xception(new XceptionConfig(0.25, 1, 2, Numerics.TIMM));
    Path file = dir.resolve("m.safetensors");
    ModelFile.save(file, model, Preprocessing.timm(96), List.of("a", "b"));
    byte[] bytes = Files.readAllBytes(file);
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String json = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
    @SuppressWarnings("unchecked")
    Map<String, Object> header = (Map<String, Object>) Json.parse(json);
    @SuppressWarnings("unchecked")
    Map<String, Object> meta = (Map<String, Object>) header.get("__metadata__");
    for (String key : List.of("xfer.format", "xfer.width_multiplier", "xfer.middle_blocks", "xfer.num_classes",
        "xfer.numerics", "xfer.bn_eps", "xfer.bn_momentum", "xfer.same_pooling", "xfer.image_size",
        "xfer.scale_div", "xfer.mean", "xfer.std", "xfer.class_names")) {
      assertTrue(meta.get(key) instanceof String, "metadata " + key + " is a string");
    }
    assertEquals("xfer-model/1", meta.get("xfer.format"));
    assertEquals("[\"a\",\"b\"]", meta.get("xfer.class_names"));
    assertEquals("accurate", meta.get("xfer.jpeg_idct"), "timm preprocessing decodes JPEGs as PIL does");
    @SuppressWarnings("unchecked")
    Map<String, Object> fc = (Map<String, Object>) header.get("fc.weight");
    assertEquals("F32", fc.get("dtype"));
    assertEquals(List.of(2L, (long) model.config().featureChannels()), ((List<?>) fc.get("shape")).stream()
        .map(o -> ((Number) o).longValue()).toList());
    assertTrue(header.containsKey("block1.rep.0.conv1.weight"), "timm-compatible names");
  }

  @Test
  void kerasWeightsSurviveConversionToAnXferFile() throws Exception {
    Path h5 = dir.resolve("w.h5");
    KerasH5.write(h5, new KerasWeights("2.10.0", "tensorflow", RandomKerasXception.layers(7, 0)));
    LoadedModel keras = ModelLoader.load(h5, ModelLoader.Format.KERAS, null, null);
    Path out = dir.resolve("w.safetensors");
    ModelFile.save(out, keras.build("w.h5"), keras.preprocessing(), List.of());
    SafeTensorsFile reread = SafeTensors.read(out);
    assertSameTensors(keras.stateDict(), reread.tensors());
    assertEquals(Numerics.KERAS, ModelLoader.load(out, ModelLoader.Format.AUTO, null, null).config().numerics());
  }

  @Test
  void md5MismatchIsRefusedBeforeReading() throws Exception {
    Path file = dir.resolve("x.safetensors");
    SafeTensors.write(file, Map.of("conv1.weight", new TensorData(new long[] {1}, new float[] {1f})), Map.of());
    WeightFileException e = assertThrows(WeightFileException.class,
        () -> ModelLoader.load(file, ModelLoader.Format.AUTO, null, "b0042744bf5b25fce3cb969f33bebb97"));
    assertTrue(e.getMessage().startsWith("x.safetensors: md5 "), e.getMessage());
    assertTrue(e.getMessage().contains("does not match the expected b0042744bf5b25fce3cb969f33bebb97"), e.getMessage());
  }

  @Test
  void wrongFormatFlagIsExplained() throws Exception {
    Path h5 = dir.resolve("w.h5");
    KerasH5.write(h5, new KerasWeights("2.10.0", "tensorflow", RandomKerasXception.layers(1, 0).subList(0, 3)));
    WeightFileException e = assertThrows(WeightFileException.class,
        () -> ModelLoader.load(h5, ModelLoader.Format.TIMM, null, null));
    assertTrue(e.getMessage().contains("--format timm expects a safetensors file"), e.getMessage());
    e = assertThrows(WeightFileException.class, () -> ModelLoader.load(h5, ModelLoader.Format.AUTO, null, null));
    assertTrue(e.getMessage().contains("not Keras Xception weights"), e.getMessage());
  }

  static void assertSameTensors(Map<String, TensorData> want, Map<String, TensorData> got) {
    assertEquals(new java.util.TreeSet<>(want.keySet()), new java.util.TreeSet<>(got.keySet()));
    want.forEach((name, t) -> {
      assertArrayEquals(t.shape(), got.get(name).shape(), name);
      assertTrue(Arrays.equals(t.values(), got.get(name).values()), name + " values identical");
    });
  }
}
