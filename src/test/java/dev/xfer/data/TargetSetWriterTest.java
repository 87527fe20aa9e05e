package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported target set: layout, counts, disjoint parts, and pixels that decode back exactly. */
class TargetSetWriterTest {
  @TempDir Path dir;

  private static GrayImages random(int n, int classes, long seed) {
    byte[] px = new byte[n * 5 * 4];
    new Random(seed).nextBytes(px);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % classes;
    return new GrayImages(5, 4, px, y);
  }

  @Test
  void writesDisjointPartsWhosePngsDecodeToTheSourcePixels() throws Exception {
    GrayImages train = random(40, 4, 1);
    GrayImages test = random(20, 4, 2);
    Path out = dir.resolve("target");
    int n = TargetSetWriter.write(out, train, "train", test, "t10k", new int[] {3, 1}, List.of("c3", "c1"),
        new TargetSetWriter.Counts(4, 2, 3), 7);
    assertEquals(2 * (4 + 2 + 3), n);
    ImageDecoder decoder = new ImageDecoder(false);
    Set<String> trainValid = new HashSet<>();
    for (String part : List.of("train", "valid", "test")) {
      for (String cls : List.of("c3", "c1")) {
        int label = cls.equals("c3") ? 3 : 1;
        List<Path> files;
        try (Stream<Path> s = Files.list(out.resolve(part).resolve(cls))) {
          files = s.sorted().toList();
        }
        assertEquals(part.equals("train") ? 4 : part.equals("valid") ? 2 : 3, files.size(), part + "/" + cls);
        for (Path f : files) {
          String name = f.getFileName().toString(); // <origin>-<index>.png
          GrayImages source = name.startsWith("t10k-") ? test : train;
          assertEquals(part.equals("test") ? "t10k" : "train", name.substring(0, name.indexOf('-')));
          int index = Integer.parseInt(name.substring(name.indexOf('-') + 1, name.length() - 4));
          assertEquals(label, source.labels()[index], "the file's image has the folder's class");
          if (!part.equals("test")) assertTrue(trainValid.add(name), name + " appears in train and valid");
          try (PointerScope scope = new PointerScope()) {
            Tensor rgb = decoder.decode(f);
            byte[] got = new byte[5 * 4 * 3];
            new BytePointer(rgb.data_ptr()).capacity(got.length).get(got);
            byte[] want = source.image(index);
            for (int p = 0; p < want.length; p++) {
              assertArrayEquals(new byte[] {want[p], want[p], want[p]}, new byte[] {got[3 * p], got[3 * p + 1], got[3 * p + 2]});
            }
          }
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> TargetSetWriter.write(out, train, "train", test, "t10k",
        new int[] {3}, List.of("c3"), new TargetSetWriter.Counts(1, 0, 1), 7), "refuses a non-empty folder");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TargetSetWriter.write(dir.resolve("x"),
        train, "train", test, "t10k", new int[] {3}, List.of("c3"), new TargetSetWriter.Counts(9, 2, 1), 7));
    assertTrue(e.getMessage().contains("class c3: expected 11 images in train"), e.getMessage());
  }
}
