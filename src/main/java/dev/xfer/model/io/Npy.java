package dev.xfer.model.io;

import dev.xfer.util.AtomicFiles;
import dev.xfer.util.NpyPreamble;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * NumPy's .npy format (numpy/lib/format.py): the magic {@code \x93NUMPY}, a major and minor version
 * byte, the header length (uint16 in version 1.0, uint32 in 2.0 and 3.0, little-endian), a
 * Python-literal dictionary with {@code descr}, {@code fortran_order} and {@code shape} padded with
 * spaces and ended by a newline, then the data.
 */
public final class Npy {
  /** The six bytes every .npy file starts with. */
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /** Largest header accepted (NumPy itself refuses more than 10,000 bytes by default). */
  static final int MAX_HEADER_BYTES = 1 << 20;

  private static final Map<String, DType> FLOAT_TYPES =
      Map.of("<f4", DType.F32, "<f8", DType.F64, "<f2", DType.F16, "<i8", DType.I64, "<i4", DType.I32);
  private static final String UINT8 = "|u1";

  private Npy() {}

  /**
   * Reads a C-order, little-endian array of type {@code <f4}, {@code <f8}, {@code <f2}, {@code <i8},
   * {@code <i4} (all converted to float32) or {@code |u1} (kept as bytes), format version 1.0, 2.0 or
   * 3.0. Fortran order, big-endian data, other types, a truncated file or a data size that does not
   * match the shape are refused with a one-line message.
   *
   * @throws InputFileException for a malformed or unsupported file (message starts with the file name)
   */
  public static NpyArray read(Path path) throws IOException {
    String notRegular = dev.xfer.util.RegularFiles.problem(path);
    if (notRegular != null) throw fail(path, notRegular + " (expected a .npy file)");
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == 0) throw fail(path, "the file is empty");
      if (size < 10) throw fail(path, "the file is " + size + " bytes, too short for a .npy header");
      ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      prefix.limit((int) Math.min(12, size));
      ChannelIo.readFully(ch, prefix, 0);
      prefix.flip();
      for (byte b : MAGIC) {
        if (prefix.get() != b) throw fail(path, "not a .npy file (no \\x93NUMPY magic)");
      }
      int major = prefix.get() & 0xff;
      int minor = prefix.get() & 0xff;
      if (major < 1 || major > 3 || minor != 0) throw fail(path, "unsupported .npy format version " + major + "." + minor);
      if (major > 1 && size < 12) throw fail(path, "the file is " + size + " bytes, too short for a .npy header");
      long headerLength = major == 1 ? prefix.getShort() & 0xffff : prefix.getInt() & 0xffffffffL;
      long headerStart = major == 1 ? 10 : 12;
      if (headerLength > size - headerStart) {
        throw fail(path, "header length " + headerLength + " is past the end of the file (" + size + " bytes)");
      }
      if (headerLength > MAX_HEADER_BYTES) {
        throw fail(path, "header length " + headerLength + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      ChannelIo.readFully(ch, headerBytes, headerStart);
      String text = new String(headerBytes.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      NpyHeader header;
      try {
        header = NpyHeader.parse(text.strip());
      } catch (NpyHeader.SyntaxException e) {
        throw fail(path, "bad header: " + e.getMessage());
      }
      return readData(path, ch, header, headerStart + headerLength, size);
    }
  }

  private static NpyArray readData(Path path, FileChannel ch, NpyHeader h, long dataStart, long size) throws IOException {
    String descr = h.descr();
    if (h.fortranOrder()) throw fail(path, "Fortran-order arrays are not supported (save with np.ascontiguousarray)");
    if (descr.startsWith(">")) {
      throw fail(path, "big-endian data ('" + descr + "') is not supported (save it little-endian, e.g. a.astype('<"
          + descr.substring(1) + "'))");
    }
    DType type = descr.equals(UINT8) ? DType.U8 : FLOAT_TYPES.get(descr);
    if (type == null) {
      throw fail(path, "unsupported dtype '" + descr + "' (supported: <f4, <f8, <f2, <i8, <i4, |u1)");
    }
    long numel = TensorData.saturatingNumel(h.shape());
    long available = size - dataStart;
    String shape = TensorData.shapeString(h.shape());
    if (numel == Long.MAX_VALUE || numel > available / type.byteSize() || numel * type.byteSize() != available) {
      String needed = numel < Long.MAX_VALUE / type.byteSize() ? Long.toString(numel * type.byteSize()) : "more than 2^63";
      throw fail(path, "shape " + shape + " of " + descr + " needs " + needed + " bytes of data, the file has " + available);
    }
    if (numel > ChannelIo.MAX_ELEMENTS) {
      throw fail(path, "shape " + shape + " has " + numel + " elements, more than the " + ChannelIo.MAX_ELEMENTS
          + " a Java array can hold");
    }
    if (type == DType.U8) return new NpyArray(descr, h.shape(), null, ChannelIo.readBytes(ch, dataStart, (int) numel));
    return new NpyArray(descr, h.shape(), ChannelIo.readFloats(ch, dataStart, type, (int) numel), null);
  }

  /** Writes a C-order little-endian float32 ({@code <f4}) array, format 1.0, atomically. */
  public static void writeFloat32(Path path, long[] shape, float[] data) throws IOException {
    checkLength(shape, data.length);
    write(path, new NpyHeader("<f4", false, shape.clone()), ch -> ChannelIo.writeFloats(ch, data));
  }

  /** Writes a C-order uint8 ({@code |u1}) array, format 1.0, atomically. */
  public static void writeUint8(Path path, long[] shape, byte[] data) throws IOException {
    checkLength(shape, data.length);
    write(path, new NpyHeader(UINT8, false, shape.clone()), ch -> ChannelIo.writeFully(ch, ByteBuffer.wrap(data)));
  }

  /**
   * The magic, version, length and header, padded with spaces and a final newline so that the data
   * starts at a multiple of 64 bytes, as NumPy writes it.
   */
  static byte[] preamble(NpyHeader header) {
    return NpyPreamble.of(header.format());
  }


  private interface Body {
    void writeTo(FileChannel ch) throws IOException;
  }

  private static void write(Path path, NpyHeader header, Body body) throws IOException {
    byte[] preamble = preamble(header);
    AtomicFiles.write(path, temp -> {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ChannelIo.writeFully(ch, ByteBuffer.wrap(preamble));
        body.writeTo(ch);
      }
    });
  }

  private static void checkLength(long[] shape, int length) {
    long n = TensorData.numel(shape);
    if (n != length) {
      throw new IllegalArgumentException("shape " + TensorData.shapeString(shape) + " has " + n + " elements, data has " + length);
    }
  }


  private static InputFileException fail(Path path, String detail) {
    return new InputFileException(path, detail);
  }
}
