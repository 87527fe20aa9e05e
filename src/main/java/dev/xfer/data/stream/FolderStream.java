package dev.xfer.data.stream;

import dev.xfer.data.ClassFolders;
import dev.xfer.data.DataReport;
import dev.xfer.data.Dataset;
import dev.xfer.data.FolderData;
import dev.xfer.data.ImageFolder;
import dev.xfer.data.InvalidDataFolderException;
import dev.xfer.data.LoaderConfig;
import dev.xfer.data.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A stream given as a folder sequence: {@code root/<window>/...}, windows in lexical order of their
 * folder names (e.g. w00, w01, ...). Every window is either labelled (one sub-folder per class, each a
 * class of the model; a window may lack some classes) or flat (images directly in it, unlabelled); all
 * windows are of one kind. The first {@code referenceWindows} windows are the detector's reference; the
 * stream is the windows after them. Each window's images are put in a seeded random order (seed: the
 * window's position), so BatchNorm re-estimation sees batches that mix classes.
 */
public final class FolderStream implements WindowStream {
  private final List<String> classNames;
  private final List<String> names;
  private final List<List<Sample>> windows;
  private final List<Sample> reference;
  private final boolean labelled;
  private final LoaderConfig config;
  private final DataReport report;

  private FolderStream(List<String> classNames, List<String> names, List<List<Sample>> windows, List<Sample> reference,
      boolean labelled, LoaderConfig config, DataReport report) {
    this.classNames = classNames;
    this.names = names;
    this.windows = windows;
    this.reference = reference;
    this.labelled = labelled;
    this.config = config;
    this.report = report;
  }

  /**
   * Scans {@code root}; {@code config} is the model's preprocessing with the batch size the experiment
   * uses (its shuffle buffer and augmentation are ignored: windows are read in order).
   */
  public static FolderStream scan(Path root, int referenceWindows, List<String> classNames, LoaderConfig config, DataReport report)
      throws IOException {
    if (referenceWindows < 1) throw new IllegalArgumentException("reference windows: expected >= 1, found " + referenceWindows);
    if (!Files.isDirectory(root)) throw new InvalidDataFolderException(root, "stream folder " + root + " does not exist or is not a folder");
    List<Path> dirs = subFolders(root);
    if (dirs.size() < referenceWindows + 1) {
      throw new InvalidDataFolderException(root, "stream folder " + root + " has " + dirs.size() + " window sub-folders, expected at least "
          + (referenceWindows + 1) + " (" + referenceWindows + " reference + 1)");
    }
    List<String> names = new ArrayList<>();
    List<List<Sample>> all = new ArrayList<>();
    Boolean labelled = null;
    for (int w = 0; w < dirs.size(); w++) {
      Path dir = dirs.get(w);
      boolean hasClasses = !subFolders(dir).isEmpty();
      if (labelled != null && hasClasses != labelled) {
        throw new InvalidDataFolderException(dir, "window " + dir + " is " + (hasClasses ? "labelled (class sub-folders)" : "flat (no class sub-folders)")
            + " but " + dirs.get(0).getFileName() + " is not: all windows must be of one kind");
      }
      labelled = hasClasses;
      List<Sample> samples = new ArrayList<>(hasClasses ? ClassFolders.read(dir, classNames, false, report) : ImageFolder.scanUnlabelled(dir, report));
      Collections.shuffle(samples, new Random(w));
      names.add(dir.getFileName().toString());
      all.add(samples);
    }
    List<Sample> reference = new ArrayList<>();
    for (int w = 0; w < referenceWindows; w++) reference.addAll(all.get(w));
    LoaderConfig ordered = config.withShuffleBuffer(0);
    return new FolderStream(List.copyOf(classNames), names.subList(referenceWindows, names.size()),
        all.subList(referenceWindows, all.size()), reference, labelled, ordered, report);
  }

  /** Images in the reference windows. */
  public int referenceImages() {
    return reference.size();
  }

  @Override
  public int size() {
    return windows.size();
  }

  @Override
  public String name(int w) {
    return names.get(w);
  }

  @Override
  public double strength(int w) {
    return Double.NaN;
  }

  @Override
  public int windowSize() {
    return windows.stream().mapToInt(List::size).min().orElse(0);
  }

  @Override
  public boolean labelled() {
    return labelled;
  }

  @Override
  public Dataset reference() {
    return new FolderData(classNames, reference, config, report);
  }

  @Override
  public Dataset window(int w) {
    return new FolderData(classNames, windows.get(w), config, report);
  }

  @Override
  public Dataset recent(int from, int to) {
    List<Sample> samples = new ArrayList<>();
    for (int w = from; w < to; w++) samples.addAll(windows.get(w));
    return new FolderData(classNames, samples, config, report);
  }

  private static List<Path> subFolders(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
  }
}
