package dev.xfer.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightFormatTest {
  @TempDir Path dir;

  @Test
  void detectsEachFormatByContentNotName() throws IOException {
    Path h5 = dir.resolve("weights.bin");
    KerasH5.write(h5, new KerasWeights("2.10.0", "tensorflow", List.of(new KerasLayer("input_1", List.of(), List.of()))));
    assertEquals(WeightFormat.KERAS_H5, WeightFormat.detect(h5));

    Path st = dir.resolve("weights.h5");
    SafeTensors.write(st, Map.of("x", new TensorData(new long[] {1}, new float[] {1})), Map.of());
    assertEquals(WeightFormat.SAFETENSORS, WeightFormat.detect(st));

    Path npy = dir.resolve("weights.safetensors");
    Npy.writeUint8(npy, new long[] {2}, new byte[] {1, 2});
    assertEquals(WeightFormat.NPY, WeightFormat.detect(npy));

    Path handMade = dir.resolve("hand");
    Files.write(handMade, ByteBuilder.safetensors("{}", new byte[0]));
    assertEquals(WeightFormat.SAFETENSORS, WeightFormat.detect(handMade));
  }

  @Test
  void refusesAnythingElseShowingTheFirstBytes() throws IOException {
    Path zip = dir.resolve("model.pth");
    Files.write(zip, new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0});
    assertEquals("model.pth: not a Keras .h5, safetensors or .npy file (first bytes 50 4b 03 04 14 00 00 00)",
        assertThrows(WeightFileException.class, () -> WeightFormat.detect(zip)).getMessage());

    Path empty = dir.resolve("empty.h5");
    Files.write(empty, new byte[0]);
    assertEquals("empty.h5: not a Keras .h5, safetensors or .npy file (the file is empty)",
        assertThrows(WeightFileException.class, () -> WeightFormat.detect(empty)).getMessage());

    Path shortFile = dir.resolve("short");
    Files.write(shortFile, new byte[] {(byte) 0x89, 'H', 'D'});
    assertEquals("short: not a Keras .h5, safetensors or .npy file (first bytes 89 48 44)",
        assertThrows(WeightFileException.class, () -> WeightFormat.detect(shortFile)).getMessage());

    Path lying = dir.resolve("lying.safetensors");
    Files.write(lying, new ByteBuilder().u64(1L << 40).ascii("{}").build());
    assertThrows(WeightFileException.class, () -> WeightFormat.detect(lying));
  }
}
