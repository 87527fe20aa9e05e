package dev.xfer.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** A tiny generated Fashion-MNIST in the Debian package's file layout, for command tests. */
final class TinyFashionMnist {
  private TinyFashionMnist() {}

  /**
   * Writes {@code prefix}-images-idx3-ubyte.gz and {@code prefix}-labels-idx1-ubyte.gz: {@code perClass}
   * noisy 28x28 images of each of the 10 classes, a bright column per class so they are learnable.
   */
  static void writePart(Path dir, String prefix, int perClass, long seed) throws IOException {
    int n = 10 * perClass;
    byte[] px = new byte[n * 784];
    byte[] y = new byte[n];
    Random rng = new Random(seed);
    for (int i = 0; i < n; i++) {
      y[i] = (byte) (i % 10);
      for (int p = 0; p < 784; p++) px[i * 784 + p] = (byte) (rng.nextInt(64) + (p % 28 == 3 * y[i] ? 180 : 0));
    }
    writeIdx(dir.resolve(prefix + "-images-idx3-ubyte.gz"), new int[] {n, 28, 28}, px);
    writeIdx(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), new int[] {n}, y);
  }

  /** A gzip-compressed idx file of unsigned bytes with the given shape. */
  static void writeIdx(Path file, int[] shape, byte[] data) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * shape.length + data.length);
    b.put(new byte[] {0, 0, 8, (byte) shape.length});
    for (int s : shape) b.putInt(s);
    b.put(data);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(b.array());
    }
    Files.write(file, gz.toByteArray());
  }
}
