package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The idx reader against files built byte by byte here (the format's spec is the oracle). */
class IdxFileTest {
  @TempDir Path dir;

  /** magic 00 00 type dims, big-endian sizes, then the payload, exactly as LeCun's page describes. */
  static byte[] idx(int type, int[] sizes, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * sizes.length + payload.length);
    b.put(new byte[] {0, 0, (byte) type, (byte) sizes.length});
    for (int s : sizes) b.putInt(s);
    b.put(payload);
    return b.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(raw);
    }
    return bytes.toByteArray();
  }

  private Path file(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  @Test
  void readsGzipAndPlainFilesInCOrder() throws Exception {
    byte[] payload = new byte[2 * 3 * 4];
    for (int i = 0; i < payload.length; i++) payload[i] = (byte) (200 + i); // > 127: unsigned bytes survive
    byte[] raw = idx(0x08, new int[] {2, 3, 4}, payload);
    for (Path p : new Path[] {file("a-idx3-ubyte.gz", gzip(raw)), file("a-idx3-ubyte", raw)}) {
      IdxFile.Array a = IdxFile.read(p, 3);
      assertArrayEquals(new int[] {2, 3, 4}, a.shape());
      assertArrayEquals(payload, a.data());
    }
  }

  @Test
  void writerProducesWhatTheSpecSays() throws Exception {
    byte[] payload = {1, 2, 3, (byte) 255, 0, 7};
    Path p = dir.resolve("w-idx3-ubyte");
    IdxFile.write(p, new int[] {1, 2, 3}, payload);
    assertArrayEquals(idx(0x08, new int[] {1, 2, 3}, payload), Files.readAllBytes(p));
  }

  @Test
  void wrongMagicTypeOrRankIsNamed() throws Exception {
    Path png = file("png.gz", gzip(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0}));
    assertMessage(png, 1, "not an idx file: expected magic 0x0000TTDD, found 0x89504e47");
    Path floats = file("f.gz", gzip(idx(0x0D, new int[] {1}, new byte[4])));
    assertMessage(floats, 1, "idx element type 0x0d: expected 0x08 (unsigned byte)");
    Path images = file("images.gz", gzip(idx(0x08, new int[] {1, 1, 1}, new byte[1])));
    assertMessage(images, 1, "expected a 1-dimensional idx array (magic 0x00000801), found 3 dimensions (magic 0x00000803)");
  }

  @Test
  void truncatedAndOverlongFilesAreNamed() throws Exception {
    byte[] raw = idx(0x08, new int[] {10, 28, 28}, new byte[10 * 28 * 28]);
    Path shortData = file("short.gz", gzip(Arrays.copyOf(raw, raw.length - 100)));
    assertMessage(shortData, 3, "truncated: shape [10, 28, 28] needs 7840 data bytes after the header, found 7740");
    Path shortHeader = file("header", Arrays.copyOf(raw, 9));
    assertMessage(shortHeader, 3, "truncated header: expected 3 dimension sizes, found 1");
    Path tiny = file("tiny", new byte[] {0, 0});
    assertMessage(tiny, 3, "truncated: expected a 4-byte idx magic number, found 2 bytes");
    byte[] gz = gzip(raw);
    Path cutGzip = file("cut.gz", Arrays.copyOf(gz, gz.length / 2));
    IOException e = assertThrows(IOException.class, () -> IdxFile.read(cutGzip, 3));
    assertTrue(e.getMessage().startsWith(cutGzip.toString()) && e.getMessage().matches("(?s).*(truncated|broken gzip).*"), e.getMessage());
    byte[] longer = Arrays.copyOf(raw, raw.length + 1);
    Path overlong = file("long", longer);
    assertMessage(overlong, 3, "expected the file to end after 7840 data bytes (shape [10, 28, 28]), found more");
    assertMessage(dir.resolve("absent.gz"), 3, "no such file");
  }

  private static void assertMessage(Path p, int dims, String expected) {
    IOException e = assertThrows(IOException.class, () -> IdxFile.read(p, dims));
    assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains(expected), e.getMessage());
  }
}
