package dev.xfer.util;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The start of a .npy file, format 1.0 (numpy/lib/format.py): the magic, the version, the header length
 * (uint16, little-endian) and the header dictionary, padded with spaces and a final newline.
 */
public final class NpyPreamble {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

  private NpyPreamble() {}

  /** The dictionary as NumPy writes it, without padding or newline: {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. */
  public static String dict(String descr, boolean fortranOrder, long[] shape) {
    String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
    return "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False") + ", 'shape': ("
        + dims + (shape.length == 1 ? ",)" : ")") + ", }";
  }

  /** The preamble for {@code dict}, padded so that the data starts at a multiple of 64 bytes, as NumPy writes it. */
  public static byte[] of(String dict) {
    int unpadded = 10 + dict.length() + 1;
    return of(dict, unpadded + (64 - unpadded % 64) % 64);
  }

  /** The preamble for {@code dict}, padded to exactly {@code length} bytes (a header rewritten in place keeps its size). */
  public static byte[] of(String dict, int length) {
    int text = length - 10;
    if (text < dict.length() + 1) throw new IllegalArgumentException("the .npy header does not fit in " + length + " bytes");
    if (text > 0xffff) throw new IllegalArgumentException("shape too long for a version 1.0 .npy header");
    ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).putShort((short) text);
    out.put((dict + " ".repeat(text - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1));
    return out.array();
  }
}
