package dev.xfer.data;

import dev.xfer.util.RegularFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads LeCun's idx format (MNIST, Fashion-MNIST), gzip-compressed or not (recognised by content):
 *
 * <pre>
 * magic   4 bytes: 0x00 0x00 TYPE DIMS   (TYPE 0x08 = unsigned byte, the only type read here)
 * sizes   DIMS big-endian int32, each >= 0
 * data    prod(sizes) elements in C order, then end of file
 * </pre>
 *
 * Every problem (not idx, another element type, wrong rank, truncated data, trailing bytes, a broken
 * gzip stream) is an {@link IOException} naming the file and what was expected.
 */
public final class IdxFile {
  /** Element type code of unsigned bytes. */
  static final int UNSIGNED_BYTE = 0x08;
  private static final int MAX_DIMS = 4;

  /** An idx array of unsigned bytes: its shape and its elements in C order. */
  public record Array(int[] shape, byte[] data) {
    public Array {
      shape = shape.clone();
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }
  }

  private IdxFile() {}

  /** Reads an unsigned-byte idx file whose rank must be {@code expectedDims}. */
  public static Array read(Path file, int expectedDims) throws IOException {
    String notRegular = RegularFiles.problem(file);
    if (notRegular != null) throw new IOException(file + ": " + notRegular + " (expected an idx file)");
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        DataInputStream in = new DataInputStream(maybeGunzip(raw))) {
      byte[] magic = new byte[4];
      int got = in.readNBytes(magic, 0, 4);
      if (got < 4) throw new IOException(file + ": truncated: expected a 4-byte idx magic number, found " + got + " bytes");
      if (magic[0] != 0 || magic[1] != 0) {
        throw new IOException(file + ": not an idx file: expected magic 0x0000TTDD, found 0x" + hex(magic));
      }
      int type = magic[2] & 0xff;
      int dims = magic[3] & 0xff;
      if (type != UNSIGNED_BYTE) {
        throw new IOException(file + ": idx element type 0x" + String.format("%02x", type)
            + ": expected 0x08 (unsigned byte)");
      }
      if (dims != expectedDims) {
        throw new IOException(file + ": expected a " + expectedDims + "-dimensional idx array (magic 0x0000080"
            + expectedDims + "), found " + dims + " dimensions (magic 0x" + hex(magic) + ")");
      }
      int[] shape = new int[dims];
      long count = 1;
      for (int d = 0; d < dims; d++) {
        try {
          shape[d] = in.readInt();
        } catch (EOFException e) {
          throw new IOException(file + ": truncated header: expected " + dims + " dimension sizes, found " + d);
        }
        if (shape[d] < 0) throw new IOException(file + ": dimension " + d + " size " + shape[d] + ": expected >= 0");
        count *= shape[d];
        if (count > Integer.MAX_VALUE - 16) {
          throw new IOException(file + ": shape " + Arrays.toString(Arrays.copyOf(shape, d + 1)) + " too large to read");
        }
      }
      byte[] data = new byte[(int) count];
      int read = in.readNBytes(data, 0, data.length);
      if (read < data.length) {
        throw new IOException(file + ": truncated: shape " + Arrays.toString(shape) + " needs " + data.length
            + " data bytes after the header, found " + read);
      }
      if (in.read() >= 0) {
        throw new IOException(file + ": expected the file to end after " + data.length + " data bytes (shape "
            + Arrays.toString(shape) + "), found more");
      }
      return new Array(shape, data);
    } catch (ZipException | EOFException e) {
      throw new IOException(file + ": broken gzip stream (truncated or corrupt): " + e.getMessage(), e);
    }
  }

  /** Writes an unsigned-byte idx file, gzip-compressed when the name ends in .gz (test fixtures, exports). */
  public static void write(Path file, int[] shape, byte[] data) throws IOException {
    long count = 1;
    for (int s : shape) count *= s;
    if (count != data.length) {
      throw new IllegalArgumentException("idx data: expected " + count + " bytes for shape " + Arrays.toString(shape) + ", found " + data.length);
    }
    try (var out0 = Files.newOutputStream(file);
        var out1 = file.toString().endsWith(".gz") ? new java.util.zip.GZIPOutputStream(out0) : out0;
        var out = new java.io.DataOutputStream(out1)) {
      out.write(new byte[] {0, 0, UNSIGNED_BYTE, (byte) shape.length});
      for (int s : shape) out.writeInt(s);
      out.write(data);
    }
  }

  private static InputStream maybeGunzip(InputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in) : in;
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) sb.append(String.format("%02x", x & 0xff));
    return sb.toString();
  }
}
