package dev.xfer.data;

import dev.xfer.util.AtomicFiles;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes a small labelled image set in the ImageFolder layout, {@code OUT/<part>/<class>/<file>.png},
 * from in-memory grayscale images: for each class a seeded random choice of {@code train + valid}
 * images from one source (disjoint) and {@code test} images from another. File names keep the index in
 * the original file ({@code <origin>-<index>.png}), so every image can be traced back.
 */
public final class TargetSetWriter {
  /** Images per class in each part. */
  public record Counts(int train, int valid, int test) {
    /** "TRAIN,VALID,TEST", e.g. "50,50,100". */
    public static Counts parse(String text) {
      String[] p = text.split(",");
      try {
        if (p.length != 3) throw new NumberFormatException();
        return new Counts(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip()), Integer.parseInt(p[2].strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--target-counts " + text + ": expected TRAIN,VALID,TEST (three integers, e.g. 50,50,100)");
      }
    }

    public Counts {
      if (train < 1 || valid < 0 || test < 1) {
        throw new IllegalArgumentException("target images per class: expected train >= 1, valid >= 0, test >= 1, found "
            + train + "/" + valid + "/" + test);
      }
    }
  }

  private TargetSetWriter() {}

  /**
   * Writes train/ and valid/ from {@code trainSource} and test/ from {@code testSource}, for the
   * labels {@code labels} (folder names {@code names}); returns the number of files written.
   */
  public static int write(Path out, GrayImages trainSource, String trainOrigin, GrayImages testSource, String testOrigin,
      int[] labels, List<String> names, Counts counts, long seed) throws IOException {
    if (Files.exists(out)) {
      try (var entries = Files.list(out)) {
        if (entries.findAny().isPresent()) throw new IllegalArgumentException("target set folder " + out + " is not empty");
      }
    }
    int written = 0;
    for (int k = 0; k < labels.length; k++) {
      List<Integer> fromTrain = shuffled(trainSource.indicesOf(labels[k]), seed, k);
      List<Integer> fromTest = shuffled(testSource.indicesOf(labels[k]), seed + 1, k);
      if (fromTrain.size() < counts.train() + counts.valid() || fromTest.size() < counts.test()) {
        throw new IllegalArgumentException("class " + names.get(k) + ": expected " + (counts.train() + counts.valid())
            + " images in " + trainOrigin + " and " + counts.test() + " in " + testOrigin + ", found "
            + fromTrain.size() + " and " + fromTest.size());
      }
      written += writeImages(out.resolve("train").resolve(names.get(k)), trainSource, trainOrigin, fromTrain.subList(0, counts.train()));
      if (counts.valid() > 0) {
        written += writeImages(out.resolve("valid").resolve(names.get(k)), trainSource, trainOrigin,
            fromTrain.subList(counts.train(), counts.train() + counts.valid()));
      }
      written += writeImages(out.resolve("test").resolve(names.get(k)), testSource, testOrigin, fromTest.subList(0, counts.test()));
    }
    return written;
  }

  /** The provenance note (README.md) of a set written by {@link #write} with these arguments. */
  public static String provenance(List<String> names, Counts counts, long seed, String command) {
    return "# Fashion-MNIST target set (" + String.join(", ", names) + ")\n\n"
        + "The default target task of `xfer demo`: " + names.size() + " Fashion-MNIST classes that the shipped backbone never saw.\n\n"
        + "- Source: Fashion-MNIST (Han Xiao, Kashif Rasul, Roland Vollgraf, 2017; MIT licence; "
        + "https://github.com/zalandoresearch/fashion-mnist), the idx files of Debian's `dataset-fashion-mnist` package.\n"
        + "- `train/` (" + counts.train() + " per class) and `valid/` (" + counts.valid() + " per class): disjoint seeded random "
        + "choices (seed " + seed + ") from `train-images-idx3-ubyte`; the source backbone was trained on the other classes only, "
        + "so none of these images was seen in pretraining.\n"
        + "- `test/` (" + counts.test() + " per class): a seeded random choice from `t10k-images-idx3-ubyte`.\n"
        + "- Files: the original 28x28 8-bit grayscale pixels, losslessly as PNG, named `<file>-<index>.png` after the idx file "
        + "(`train` or `t10k`) and the image's 0-based index in it.\n\n"
        + "Rebuilt (into an empty folder) by:\n\n```\n" + command + "\n```\n";
  }

  /** One grayscale PNG of {@code rows x cols} pixels. */
  public static void writePng(Path file, byte[] gray, int rows, int cols) throws IOException {
    BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
    byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    System.arraycopy(gray, 0, dst, 0, rows * cols);
    if (!ImageIO.write(img, "png", file.toFile())) throw new IOException(file + ": no PNG writer available");
  }

  private static List<Integer> shuffled(List<Integer> indices, long seed, int k) {
    List<Integer> copy = new ArrayList<>(indices);
    Collections.shuffle(copy, new Random(seed * 1_000_003L + k));
    return copy;
  }

  private static int writeImages(Path dir, GrayImages source, String origin, List<Integer> indices) throws IOException {
    Files.createDirectories(dir);
    for (int i : indices) {
      writePng(dir.resolve(String.format("%s-%05d.png", origin, i)), source.image(i), source.rows(), source.cols());
    }
    return indices.size();
  }

  /** The Fashion-MNIST classes that are not among {@code sourceLabels}, in label order. */
  public static List<String> otherClasses(int[] sourceLabels) {
    List<String> names = new ArrayList<>();
    for (int l = 0; l < FashionMnist.CLASSES.size(); l++) {
      final int label = l;
      if (java.util.Arrays.stream(sourceLabels).noneMatch(s -> s == label)) names.add(FashionMnist.CLASSES.get(l));
    }
    return names;
  }

  /**
   * The target set of a Fashion-MNIST source model: the classes not among {@code sourceLabels}, written to
   * {@code out} with its README.md (provenance, naming {@code command}). Returns the number of PNG files.
   */
  public static int writeOtherClasses(Path out, GrayImages trainFile, GrayImages testFile, int[] sourceLabels, Counts counts,
      long seed, String command) throws IOException {
    List<String> names = otherClasses(sourceLabels);
    int[] labels = FashionMnist.labelsOf(names);
    int n = write(out, trainFile, "train", testFile, "t10k", labels, names, counts, seed);
    AtomicFiles.writeString(out.resolve("README.md"), provenance(names, counts, seed, command));
    return n;
  }
}
