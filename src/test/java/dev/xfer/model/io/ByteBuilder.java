package dev.xfer.model.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds little-endian byte sequences by hand, the independent oracle for file-format tests. */
final class ByteBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  ByteBuilder u8(int... values) {
    for (int v : values) out.write(v);
    return this;
  }

  ByteBuilder u16(int... values) {
    for (int v : values) u8(v & 0xff, (v >>> 8) & 0xff);
    return this;
  }

  ByteBuilder u32(long... values) {
    for (long v : values) u16((int) (v & 0xffff), (int) ((v >>> 16) & 0xffff));
    return this;
  }

  ByteBuilder u64(long... values) {
    for (long v : values) u32(v & 0xffffffffL, v >>> 32);
    return this;
  }

  ByteBuilder f32(float... values) {
    for (float v : values) u32(Float.floatToRawIntBits(v) & 0xffffffffL);
    return this;
  }

  ByteBuilder f64(double... values) {
    for (double v : values) u64(Double.doubleToRawLongBits(v));
    return this;
  }

  ByteBuilder ascii(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    return this;
  }

  ByteBuilder utf8(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** A safetensors file: header length, header, data. */
  static byte[] safetensors(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return new ByteBuilder().u64(h.length).utf8(header).bytes(data).build();
  }

  ByteBuilder bytes(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  byte[] build() {
    return out.toByteArray();
  }
}
