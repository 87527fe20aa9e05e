package dev.xfer.model.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;

/** The kinds of file xfer reads weights and arrays from, told apart by their first bytes. */
public enum WeightFormat {
  /** HDF5, as Keras' {@code save_weights}/{@code save} write it: signature {@code \211HDF\r\n\032\n}. */
  KERAS_H5,
  /** safetensors: an 8-byte little-endian header length, then a JSON object. */
  SAFETENSORS,
  /** NumPy .npy: magic {@code \x93NUMPY}. */
  NPY;

  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  /**
   * Detects the format from the content (the file name does not matter). A safetensors file must
   * have a header length that fits inside the file followed by '{'.
   *
   * @throws WeightFileException "NAME: not a Keras .h5, safetensors or .npy file (first bytes ...)",
   *     also for an empty file
   */
  public static WeightFormat detect(Path path) throws IOException {
    WeightFormat format = sniff(path);
    if (format != null) return format;
    byte[] head = head(path);
    String shown = head.length == 0 ? "the file is empty"
        : "first bytes " + HexFormat.ofDelimiter(" ").formatHex(head, 0, Math.min(8, head.length));
    throw new WeightFileException(path, "not a Keras .h5, safetensors or .npy file (" + shown + ")");
  }

  /** The format of the file, or null when it is none of them. */
  static WeightFormat sniff(Path path) throws IOException {
    byte[] head = head(path);
    if (startsWith(head, HDF5_SIGNATURE)) return KERAS_H5;
    if (startsWith(head, Npy.MAGIC)) return NPY;
    if (head.length >= 9 && head[8] == '{') {
      long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (n >= 2 && n <= Files.size(path) - 8) return SAFETENSORS;
    }
    return null;
  }

  private static byte[] head(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(16, ch.size()));
      ChannelIo.readFully(ch, buf, 0);
      return buf.array();
    }
  }

  private static boolean startsWith(byte[] head, byte[] prefix) {
    return head.length >= prefix.length && Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
  }
}
