package dev.xfer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017, MIT licence) from its four idx files in a folder,
 * gzip-compressed or not, as Debian's {@code dataset-fashion-mnist} installs them in
 * {@code /usr/share/datasets/fashion-mnist}: 60,000 training and 10,000 test images of 28x28
 * grayscale pixels in 10 classes.
 */
public final class FashionMnist {
  /** The prefix of a {@code --data} value naming a Fashion-MNIST folder. */
  public static final String SCHEME = "fashion-mnist:";

  /** Where Debian's package puts the files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Class names by label, as folder-friendly words (label 0 is "T-shirt/top" in the paper). */
  public static final List<String> CLASSES = List.of("tshirt", "trouser", "pullover", "dress", "coat",
      "sandal", "shirt", "sneaker", "bag", "ankle-boot");

  /** Which idx pair to read. */
  public enum Part {
    TRAIN("train"), TEST("t10k");

    final String prefix;

    Part(String prefix) {
      this.prefix = prefix;
    }
  }

  private FashionMnist() {}

  /** The folder of a {@code fashion-mnist:DIR} value. */
  public static Path parseLocation(String value) {
    if (!value.startsWith(SCHEME) || value.length() == SCHEME.length()) {
      throw new IllegalArgumentException("--data " + value + ": expected " + SCHEME + "DIR (e.g. " + SCHEME + DEBIAN_DIR + ")");
    }
    return Path.of(value.substring(SCHEME.length()));
  }

  /** Reads the images and labels of one part; checks that they agree and that every label is 0..9. */
  public static GrayImages read(Path dir, Part part) throws IOException {
    Path images = find(dir, part.prefix + "-images-idx3-ubyte");
    Path labels = find(dir, part.prefix + "-labels-idx1-ubyte");
    IdxFile.Array img = IdxFile.read(images, 3);
    IdxFile.Array lab = IdxFile.read(labels, 1);
    int[] s = img.shape();
    if (s[0] != lab.shape()[0]) {
      throw new IOException(images + " holds " + s[0] + " images but " + labels + " holds " + lab.shape()[0] + " labels");
    }
    int[] y = new int[lab.data().length];
    for (int i = 0; i < y.length; i++) {
      y[i] = lab.data()[i] & 0xff;
      if (y[i] >= CLASSES.size()) {
        throw new IOException(labels + ": label " + y[i] + " at index " + i + ": expected 0.." + (CLASSES.size() - 1));
      }
    }
    if (s[1] < 1 || s[2] < 1) throw new IOException(images + ": image size " + s[1] + "x" + s[2] + ": expected at least 1x1");
    return new GrayImages(s[1], s[2], img.data(), y);
  }

  /** Label numbers of class names (e.g. "sandal,bag" -> [5, 8]), in the order given. */
  public static int[] labelsOf(List<String> names) {
    int[] out = new int[names.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = CLASSES.indexOf(names.get(i).strip().toLowerCase(Locale.ROOT));
      if (out[i] < 0) throw new IllegalArgumentException("class " + names.get(i) + ": expected one of " + CLASSES);
    }
    if (Arrays.stream(out).distinct().count() != out.length) throw new IllegalArgumentException("classes " + names + ": listed twice");
    return out;
  }

  private static Path find(Path dir, String base) throws IOException {
    for (String name : new String[] {base + ".gz", base}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) return p;
    }
    throw new IOException(dir + ": expected " + base + ".gz (or " + base + ") of Fashion-MNIST there, found neither"
        + (dir.equals(DEBIAN_DIR) ? " (apt-get install dataset-fashion-mnist)" : ""));
  }
}
