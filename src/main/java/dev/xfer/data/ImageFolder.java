package dev.xfer.data;

import dev.xfer.util.RegularFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A labelled image folder in the Keras / torchvision / tf_flowers layout: {@code root/<class>/<image>},
 * one class per sub-folder. Classes are the sub-folder names sorted (or an explicit order, e.g. tfds'
 * {@code dandelion,daisy,tulips,sunflowers,roses}); a class's index is its position.
 *
 * <p>Files are recognised by content ({@link ImageFormat#sniff}), never by extension. Scanning skips
 * and records in the {@link DataReport}: hidden (dot) files and folders (counted), files that are not
 * images (listed), and files meant as images that are already known bad (empty, or an image extension
 * on non-image content). Folders nested in a class folder are not searched (listed as skipped).
 * Files directly in {@code root} are ignored (e.g. flower_photos' LICENSE.txt). Whether an image
 * really decodes is decided later by {@link ImageDecoder}.
 *
 * <p>A missing folder, fewer than two classes, a class without images, or an explicit class order
 * that does not match the sub-folders raise {@link InvalidDataFolderException} before any work.
 */
public final class ImageFolder {
  private final Path root;
  private final List<String> classes;
  private final List<Sample> samples;
  private final int[] classCounts;
  private final int ignoredTopLevelFiles;

  private ImageFolder(Path root, List<String> classes, List<Sample> samples, int[] counts, int ignored) {
    this.root = root;
    this.classes = List.copyOf(classes);
    this.samples = List.copyOf(samples);
    this.classCounts = counts;
    this.ignoredTopLevelFiles = ignored;
  }

  /** Scans {@code root} with classes in sorted sub-folder name order. */
  public static ImageFolder scan(Path root, DataReport report) throws IOException {
    return scan(root, null, report);
  }

  /**
   * Scans {@code root}; {@code classOrder} (null for sorted) must name every class sub-folder once.
   * Skipped files are recorded in {@code report}.
   */
  public static ImageFolder scan(Path root, List<String> classOrder, DataReport report) throws IOException {
    if (!Files.exists(root)) throw new InvalidDataFolderException(root, "data folder " + root + " does not exist");
    if (!Files.isDirectory(root)) {
      throw new InvalidDataFolderException(root, "data folder " + root + " is a file, expected a folder with one sub-folder per class");
    }
    List<String> found = new ArrayList<>();
    int ignored = 0;
    for (Path entry : list(root)) {
      String name = entry.getFileName().toString();
      if (name.startsWith(".")) {
        report.countHidden();
      } else if (Files.isDirectory(entry)) {
        found.add(name);
      } else {
        ignored++;
      }
    }
    List<String> classes = classOrder == null ? found : checkOrder(root, classOrder, found);
    if (classes.size() < 2) {
      throw new InvalidDataFolderException(root, "data folder " + root + " has " + classes.size()
          + (classes.size() == 1 ? " class sub-folder (" + classes.get(0) + ")" : " class sub-folders")
          + ", expected at least 2 (layout: " + root + "/<class>/<image>)");
    }
    List<Sample> samples = new ArrayList<>();
    int[] counts = new int[classes.size()];
    for (int label = 0; label < classes.size(); label++) {
      String cls = classes.get(label);
      int skipped = 0;
      for (Path file : list(root.resolve(cls))) {
        Sample s = classify(file, cls, label, report);
        if (s == null) {
          skipped++;
        } else {
          samples.add(s);
          counts[label]++;
        }
      }
      if (counts[label] == 0) {
        throw new InvalidDataFolderException(root.resolve(cls), "class folder " + root.resolve(cls) + " has no images"
            + (skipped > 0 ? " (" + skipped + " other entries skipped)" : " (it is empty)"));
      }
    }
    return new ImageFolder(root, classes, samples, counts, ignored);
  }

  /**
   * The images directly in {@code dir} as unlabelled samples (label -1, key {@code "<dir>/<file>"}),
   * by file name; hidden files, non-images and known-bad files are skipped and recorded as by
   * {@link #scan}. Sub-folders are not searched (recorded as skipped).
   */
  public static List<Sample> scanUnlabelled(Path dir, DataReport report) throws IOException {
    if (!Files.isDirectory(dir)) throw new InvalidDataFolderException(dir, "image folder " + dir + " does not exist or is not a folder");
    List<Sample> samples = new ArrayList<>();
    String name = dir.getFileName().toString();
    for (Path file : list(dir)) {
      Sample s = classify(file, name, -1, report);
      if (s != null) samples.add(s);
    }
    if (samples.isEmpty()) throw new InvalidDataFolderException(dir, "image folder " + dir + " has no images");
    return samples;
  }

  private static List<String> checkOrder(Path root, List<String> order, List<String> found) {
    Set<String> unique = new HashSet<>(order);
    if (unique.size() != order.size()) {
      throw new InvalidDataFolderException(root, "class order " + order + " names a class twice");
    }
    for (String c : order) {
      if (!found.contains(c)) {
        throw new InvalidDataFolderException(root, "class '" + c + "' has no sub-folder in " + root + " (found " + found + ")");
      }
    }
    for (String f : found) {
      if (!unique.contains(f)) {
        throw new InvalidDataFolderException(root, "sub-folder '" + f + "' of " + root + " is not in the class order " + order);
      }
    }
    return order;
  }

  /** A sample for an image file, or null after recording why the entry is skipped. */
  private static Sample classify(Path file, String cls, int label, DataReport report) throws IOException {
    String name = file.getFileName().toString();
    if (name.startsWith(".")) {
      report.countHidden();
      return null;
    }
    if (Files.isDirectory(file)) {
      report.add(file, DataReport.Kind.NOT_IMAGE, "a folder inside a class folder (not searched)");
      return null;
    }
    String notRegular = RegularFiles.problem(file); // checked before opening: a FIFO would block the scan
    if (notRegular != null) {
      report.add(file, DataReport.Kind.BAD_IMAGE, notRegular);
      return null;
    }
    byte[] head = new byte[ImageFormat.SNIFF_BYTES];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      report.add(file, DataReport.Kind.BAD_IMAGE, "cannot read: " + e);
      return null;
    }
    if (n == 0) {
      report.add(file, DataReport.Kind.BAD_IMAGE, "empty file (0 bytes)");
      return null;
    }
    if (ImageFormat.sniff(head, n) == null) {
      boolean meantAsImage = ImageFormat.hasImageExtension(name);
      report.add(file, meantAsImage ? DataReport.Kind.BAD_IMAGE : DataReport.Kind.NOT_IMAGE,
          (meantAsImage ? "not image content despite its extension, " : "not an image, ")
              + ImageFormat.describeHead(head, n));
      return null;
    }
    return new Sample(file, label, cls + "/" + name);
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> out = new ArrayList<>(s.toList());
      out.sort(null);
      return out;
    }
  }

  public Path root() {
    return root;
  }

  /** Class names; a label is an index into this list. */
  public List<String> classes() {
    return classes;
  }

  /** Every image found, by class then file name (not yet in tfds order; see {@link Split}). */
  public List<Sample> samples() {
    return samples;
  }

  /** Images found per class, indexed by label. */
  public int[] classCounts() {
    return classCounts.clone();
  }

  /** Plain files directly in the root folder, which are not part of any class. */
  public int ignoredTopLevelFiles() {
    return ignoredTopLevelFiles;
  }
}
