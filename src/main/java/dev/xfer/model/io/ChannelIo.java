package dev.xfer.model.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Little-endian element data between file channels and float32 arrays, a chunk at a time, so a large
 * tensor never needs a second full-size buffer.
 */
final class ChannelIo {
  /** Largest array a JVM reliably allocates. */
  static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private static final int CHUNK_BYTES = 1 << 22;

  private ChannelIo() {}

  /** {@code count} elements of {@code type} at byte {@code position}, converted to float32. */
  static float[] readFloats(FileChannel ch, long position, DType type, int count) throws IOException {
    float[] out = new float[count];
    int size = type.byteSize();
    ByteBuffer buf = chunk((long) count * size);
    int done = 0;
    while (done < count) {
      int n = Math.min(count - done, CHUNK_BYTES / size);
      buf.clear().limit(n * size);
      readFully(ch, buf, position + (long) done * size);
      buf.flip();
      decode(type, buf, out, done, n);
      done += n;
    }
    return out;
  }

  /** {@code count} raw bytes at {@code position}. */
  static byte[] readBytes(FileChannel ch, long position, int count) throws IOException {
    byte[] out = new byte[count];
    readFully(ch, ByteBuffer.wrap(out), position);
    return out;
  }

  /** Writes {@code values} as little-endian float32 at the channel's position. */
  static void writeFloats(FileChannel ch, float[] values) throws IOException {
    int chunkFloats = CHUNK_BYTES / 4;
    ByteBuffer chunk = chunk(4L * values.length);
    for (int off = 0; off < values.length; off += chunkFloats) {
      int n = Math.min(chunkFloats, values.length - off);
      chunk.clear();
      chunk.asFloatBuffer().put(values, off, n);
      chunk.limit(n * 4);
      writeFully(ch, chunk);
    }
  }

  /**
   * A heap buffer for up to {@link #CHUNK_BYTES} of {@code bytes} (direct buffers would be faster per
   * read but are freed only by a GC, which a file of many tensors would keep triggering).
   */
  private static ByteBuffer chunk(long bytes) {
    return ByteBuffer.allocate((int) Math.max(8, Math.min(CHUNK_BYTES, bytes))).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Writes all of {@code buf} at the channel's position. */
  static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      int limit = buf.limit();
      buf.limit((int) Math.min(limit, (long) buf.position() + CHUNK_BYTES)); // bounds the JDK's temporary direct buffer
      ch.write(buf);
      buf.limit(limit);
    }
  }

  /** Fills {@code buf} from {@code position} on, or fails at the end of the file. */
  static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int limit = buf.limit();
      buf.limit((int) Math.min(limit, (long) buf.position() + CHUNK_BYTES)); // bounds the JDK's temporary direct buffer
      int n = ch.read(buf, at);
      buf.limit(limit);
      if (n < 0) throw new EOFException("unexpected end of file at byte " + at);
      at += n;
    }
  }

  private static void decode(DType type, ByteBuffer src, float[] dst, int off, int n) {
    switch (type) {
      case F32 -> src.asFloatBuffer().get(dst, off, n);
      case F64 -> {
        for (int i = 0; i < n; i++) dst[off + i] = (float) src.getDouble();
      }
      case F16 -> {
        for (int i = 0; i < n; i++) dst[off + i] = halfToFloat(src.getShort());
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) dst[off + i] = Float.intBitsToFloat((src.getShort() & 0xffff) << 16);
      }
      case I64 -> {
        for (int i = 0; i < n; i++) dst[off + i] = (float) src.getLong();
      }
      case I32 -> {
        for (int i = 0; i < n; i++) dst[off + i] = (float) src.getInt();
      }
      case U8 -> {
        for (int i = 0; i < n; i++) dst[off + i] = (float) (src.get() & 0xff);
      }
      default -> throw new AssertionError(type);
    }
  }

  /** IEEE 754 binary16 to binary32, exact (every half is a float), keeping infinities and NaNs. */
  static float halfToFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f; // subnormal (or zero): mantissa * 2^-24
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
