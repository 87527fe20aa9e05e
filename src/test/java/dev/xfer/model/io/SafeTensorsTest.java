package dev.xfer.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.util.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  @TempDir Path dir;

  private static TensorData random(Random rng, long... shape) {
    float[] v = new float[(int) TensorData.numel(shape)];
    for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
    return new TensorData(shape, v);
  }

  @Test
  void roundTripKeepsValuesBitForBitOrderAndMetadata() throws IOException {
    Random rng = new Random(7);
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    tensors.put("z.last_name_first", random(rng, 3, 3, 3, 5));
    tensors.put("conv1.weight", random(rng, 32, 3, 3, 3));
    tensors.put("bn1.running_var", random(rng, 7));
    tensors.put("scalar", new TensorData(new long[] {}, new float[] {Float.NaN}));
    tensors.put("empty", new TensorData(new long[] {0, 4}, new float[0]));
    tensors.put("specials", new TensorData(new long[] {4},
        new float[] {-0.0f, Float.MIN_VALUE, Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x7fc01234)}));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("quote\"\\ and newline\n", "caf\u00e9 \u20ac \u0001");
    Path file = dir.resolve("model.safetensors");
    SafeTensors.write(file, tensors, meta);

    SafeTensorsFile read = SafeTensors.read(file);
    assertEquals(new ArrayList<>(tensors.keySet()), new ArrayList<>(read.tensors().keySet()));
    for (String name : tensors.keySet()) {
      TensorData want = tensors.get(name);
      TensorData got = read.tensors().get(name);
      assertArrayEquals(want.shape(), got.shape(), name);
      for (int i = 0; i < want.values().length; i++) {
        assertEquals(Float.floatToRawIntBits(want.values()[i]), Float.floatToRawIntBits(got.values()[i]), name + "[" + i + "]");
      }
      assertEquals(DType.F32, got.sourceDtype());
    }
    assertEquals(meta, read.metadata());
    assertEquals(List.of(), Files.list(dir).filter(p -> !p.equals(file)).toList(), "no temporary file left behind");
  }

  @Test
  void headerFollowsTheFormat() throws IOException {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    tensors.put("b", new TensorData(new long[] {2, 3}, new float[6]));
    tensors.put("a", new TensorData(new long[] {5}, new float[] {1, 2, 3, 4, 5}));
    tensors.put("c", new TensorData(new long[] {}, new float[] {9}));
    Path file = dir.resolve("h.safetensors");
    SafeTensors.write(file, tensors, Map.of("k", "v"));

    byte[] bytes = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, (8 + n) % 8, "data starts 8-byte aligned");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{") && header.stripTrailing().endsWith("}"));
    assertEquals(header.stripTrailing() + " ".repeat(header.length() - header.stripTrailing().length()), header,
        "padding is spaces");
    Map<?, ?> json = (Map<?, ?>) Json.parse(header);
    assertEquals(List.of("__metadata__", "b", "a", "c"), new ArrayList<>(json.keySet()));
    assertEquals(Map.of("k", "v"), json.get("__metadata__"));
    assertEquals(Map.of("dtype", "F32", "shape", List.of(2L, 3L), "data_offsets", List.of(0L, 24L)), json.get("b"));
    assertEquals(Map.of("dtype", "F32", "shape", List.of(5L), "data_offsets", List.of(24L, 44L)), json.get("a"));
    assertEquals(Map.of("dtype", "F32", "shape", List.of(), "data_offsets", List.of(44L, 48L)), json.get("c"));
    assertEquals(8 + n + 48, bytes.length, "data is contiguous and ends the file");
    ByteBuffer data = ByteBuffer.wrap(bytes, (int) (8 + n + 24), 24).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 1; i <= 5; i++) assertEquals(i, data.getFloat());
    assertEquals(9f, data.getFloat());
  }

  @Test
  void writesAnEmptyMetadataObjectAndNoTensors() throws IOException {
    Path file = dir.resolve("empty.safetensors");
    SafeTensors.write(file, Map.of(), Map.of());
    SafeTensorsFile read = SafeTensors.read(file);
    assertTrue(read.tensors().isEmpty());
    assertTrue(read.metadata().isEmpty());
    assertEquals(8 + 24, Files.size(file), "{\"__metadata__\":{}} padded to 24 bytes");
  }

  @Test
  void overwritesAnExistingFile() throws IOException {
    Path file = dir.resolve("w.safetensors");
    Files.writeString(file, "old contents");
    SafeTensors.write(file, Map.of("x", new TensorData(new long[] {1}, new float[] {3})), Map.of());
    assertEquals(3f, SafeTensors.read(file).tensors().get("x").values()[0]);
  }

  @Test
  void decodesHalfBfloatDoubleAndIntegerTypes() throws IOException {
    // Hand-encoded: f16 1.0=3C00, -2.0=C000, 65504=7BFF, 2^-24=0001 (subnormal), -0=8000, +inf=7C00;
    // bf16 1.0=3F80, -2.5=C020, 3.140625=4049; i64 and i32 values; u8 255; f64 0.1 (rounds to float 0.1f).
    byte[] data = new ByteBuilder()
        .u16(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00)
        .u16(0x3F80, 0xC020, 0x4049)
        .u64(0, 12345, -7, 1L << 40)
        .u32(-3 & 0xffffffffL, 16777216)
        .u8(0, 255)
        .f64(0.1, -1e300)
        .build();
    String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[12,18]},"
        + "\"num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[4],\"data_offsets\":[18,50]},"
        + "\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[50,58]},"
        + "\"u\":{\"dtype\":\"U8\",\"shape\":[2,1],\"data_offsets\":[58,60]},"
        + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[60,76]}}";
    Path file = dir.resolve("types.safetensors");
    Files.write(file, ByteBuilder.safetensors(header, data));

    Map<String, TensorData> t = SafeTensors.read(file).tensors();
    assertEquals(List.of("h", "b", "num_batches_tracked", "i", "u", "d"), new ArrayList<>(t.keySet()));
    assertArrayEquals(new float[] {1f, -2f, 65504f, 5.9604645e-8f, -0.0f, Float.POSITIVE_INFINITY}, t.get("h").values());
    assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(t.get("h").values()[4]));
    assertArrayEquals(new long[] {2, 3}, t.get("h").shape());
    assertEquals(DType.F16, t.get("h").sourceDtype());
    assertArrayEquals(new float[] {1f, -2.5f, 3.140625f}, t.get("b").values());
    assertEquals(DType.BF16, t.get("b").sourceDtype());
    assertArrayEquals(new float[] {0f, 12345f, -7f, 1099511627776f}, t.get("num_batches_tracked").values());
    assertEquals(DType.I64, t.get("num_batches_tracked").sourceDtype());
    assertArrayEquals(new float[] {-3f, 16777216f}, t.get("i").values());
    assertArrayEquals(new float[] {0f, 255f}, t.get("u").values());
    assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY}, t.get("d").values());
    assertEquals(DType.F64, t.get("d").sourceDtype());
  }

  @Test
  void halfToFloatMatchesTheDefinitionForEveryHalf() {
    // value = (-1)^s * 2^(e-15) * (1 + m/1024), subnormals 2^-14 * m/1024
    for (int h = 0; h < 0x10000; h++) {
      int s = h >>> 15;
      int e = (h >>> 10) & 0x1f;
      int m = h & 0x3ff;
      if (e == 0x1f) continue;
      double v = e == 0 ? Math.scalb(m / 1024.0, -14) : Math.scalb(1 + m / 1024.0, e - 15);
      float want = (float) (s == 1 ? -v : v);
      assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(ChannelIo.halfToFloat((short) h)), "half " + h);
    }
    assertTrue(Float.isNaN(ChannelIo.halfToFloat((short) 0x7E00)));
    assertEquals(Float.NEGATIVE_INFINITY, ChannelIo.halfToFloat((short) 0xFC00));
  }

  @Test
  void readsATensorLargerThanOneReadChunk() throws IOException {
    TensorData big = random(new Random(3), 3, 1 << 20);
    Path file = dir.resolve("big.safetensors");
    SafeTensors.write(file, Map.of("big", big), Map.of());
    assertEquals(big, SafeTensors.read(file).tensors().get("big"));
  }
}
