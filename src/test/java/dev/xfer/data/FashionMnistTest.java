package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fashion-MNIST's file pair on tiny generated files: agreement checks and class selection. */
class FashionMnistTest {
  @TempDir Path dir;

  /** Writes images where image i is filled with the value i, and the given labels. */
  static void writePart(Path dir, String prefix, int rows, int cols, int[] labels) throws IOException {
    byte[] px = new byte[labels.length * rows * cols];
    for (int i = 0; i < labels.length; i++) java.util.Arrays.fill(px, i * rows * cols, (i + 1) * rows * cols, (byte) i);
    byte[] y = new byte[labels.length];
    for (int i = 0; i < y.length; i++) y[i] = (byte) labels[i];
    Files.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"),
        IdxFileTest.gzip(IdxFileTest.idx(0x08, new int[] {labels.length, rows, cols}, px)));
    Files.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), IdxFileTest.gzip(IdxFileTest.idx(0x08, new int[] {labels.length}, y)));
  }

  @Test
  void readsAPartAndSelectsClassesWithNewLabels() throws Exception {
    writePart(dir, "train", 3, 2, new int[] {9, 0, 5, 9, 1});
    GrayImages all = FashionMnist.read(dir, FashionMnist.Part.TRAIN);
    assertEquals(5, all.count());
    assertArrayEquals(new byte[] {2, 2, 2, 2, 2, 2}, all.image(2));
    GrayImages sel = all.select(FashionMnist.labelsOf(List.of("ankle-boot", "sandal")));
    assertArrayEquals(new int[] {0, 1, 0}, sel.labels()); // images 0, 2, 3 in file order
    assertArrayEquals(new byte[] {3, 3, 3, 3, 3, 3}, sel.image(2));
    assertEquals(List.of(0, 2), sel.indicesOf(0));
  }

  @Test
  void disagreeingOrBadFilesAreNamed() throws Exception {
    writePart(dir, "t10k", 2, 2, new int[] {1, 2, 3});
    Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxFileTest.gzip(IdxFileTest.idx(0x08, new int[] {2}, new byte[] {1, 2})));
    IOException e = assertThrows(IOException.class, () -> FashionMnist.read(dir, FashionMnist.Part.TEST));
    assertTrue(e.getMessage().contains("holds 3 images but") && e.getMessage().contains("holds 2 labels"), e.getMessage());
    writePart(dir, "t10k", 2, 2, new int[] {1, 12});
    e = assertThrows(IOException.class, () -> FashionMnist.read(dir, FashionMnist.Part.TEST));
    assertTrue(e.getMessage().contains("label 12 at index 1: expected 0..9"), e.getMessage());
    e = assertThrows(IOException.class, () -> FashionMnist.read(dir, FashionMnist.Part.TRAIN));
    assertTrue(e.getMessage().contains("expected train-images-idx3-ubyte.gz (or train-images-idx3-ubyte)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FashionMnist.labelsOf(List.of("boot")));
    assertThrows(IllegalArgumentException.class, () -> FashionMnist.parseLocation("/usr/share/datasets"));
    assertEquals(Path.of("/x"), FashionMnist.parseLocation("fashion-mnist:/x"));
  }
}
