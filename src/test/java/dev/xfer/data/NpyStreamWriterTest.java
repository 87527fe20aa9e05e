package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.kernels.Tensors;
import dev.xfer.model.io.Npy;
import dev.xfer.model.io.NpyArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streamed .npy files read back by the project's independent reader, plus the raw int64 bytes. */
class NpyStreamWriterTest {
  @TempDir Path dir;

  @Test
  void float32RowsAppendAndReadBack() throws Exception {
    Path f = dir.resolve("x.npy");
    try (PointerScope scope = new PointerScope(); NpyStreamWriter w = new NpyStreamWriter(f, NpyStreamWriter.Type.FLOAT32, 2, 3)) {
      w.write(Tensors.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3));
      w.write(Tensors.ofFloats(new float[] {-1, -2, -3, -4, -5, -6, 7, 8, 9, 10, 11, 12}, 2, 2, 3));
      w.finish();
    }
    NpyArray a = Npy.read(f);
    assertEquals("<f4", a.descr());
    assertArrayEquals(new long[] {3, 2, 3}, a.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6, 7, 8, 9, 10, 11, 12}, a.floats());
  }

  @Test
  void int64IsATrueInt64Array() throws Exception {
    Path f = dir.resolve("y.npy");
    long big = (1L << 40) + 3; // not representable as float32: proves the data are integers
    try (PointerScope scope = new PointerScope(); NpyStreamWriter w = new NpyStreamWriter(f, NpyStreamWriter.Type.INT64)) {
      w.write(Tensors.ofLongs(new long[] {0, 4, 2}));
      w.write(new long[] {big});
      w.finish();
    }
    byte[] bytes = Files.readAllBytes(f);
    int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
    String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
    assertTrue(header.startsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }"), header);
    assertEquals(0, (10 + headerLength) % 64, "data aligned to 64 bytes like NumPy");
    ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, 32).order(ByteOrder.LITTLE_ENDIAN);
    assertArrayEquals(new long[] {0, 4, 2, big}, new long[] {data.getLong(), data.getLong(), data.getLong(), data.getLong()});
    assertEquals(10 + headerLength + 32, bytes.length);
    assertArrayEquals(new long[] {4}, Npy.read(f).shape());
  }

  @Test
  void unfinishedFileLeavesNothingBehind() throws Exception {
    Path f = dir.resolve("z.npy");
    try (NpyStreamWriter w = new NpyStreamWriter(f, NpyStreamWriter.Type.INT64)) {
      w.write(new long[] {1});
    }
    assertFalse(Files.exists(f));
    try (var list = Files.list(dir)) {
      assertEquals(0, list.count());
    }
  }
}
