package dev.xfer.demo;

import dev.xfer.data.DataReport;
import dev.xfer.data.FolderData;
import dev.xfer.data.ImageFolder;
import dev.xfer.data.LoaderConfig;
import dev.xfer.data.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's target set: {@code DIR/train}, {@code DIR/valid} and {@code DIR/test}, each an image
 * folder with the same classes, read through the normal loader (decode, resize, normalise). A limit
 * per class keeps the first images of each class (file-name order), for shortened runs.
 */
public final class DemoData implements AutoCloseable {
  /** Images per class to keep in each part; 0 keeps all. */
  public record Limits(int train, int valid, int test) {
    public static final Limits ALL = new Limits(0, 0, 0);
  }

  private final List<String> classes;
  private final FolderData train;
  private final FolderData valid;
  private final FolderData test;

  private DemoData(List<String> classes, FolderData train, FolderData valid, FolderData test) {
    this.classes = classes;
    this.train = train;
    this.valid = valid;
    this.test = test;
  }

  /** Opens the three parts of {@code dir}; valid and test must have the training classes. */
  public static DemoData open(Path dir, Limits limits, LoaderConfig config) throws IOException {
    DataReport report = new DataReport(issue -> System.err.println("skipped " + issue));
    ImageFolder trainFolder = ImageFolder.scan(dir.resolve("train"), report);
    List<String> classes = trainFolder.classes();
    ImageFolder validFolder = ImageFolder.scan(dir.resolve("valid"), classes, report);
    ImageFolder testFolder = ImageFolder.scan(dir.resolve("test"), classes, report);
    return new DemoData(classes,
        new FolderData(classes, limit(trainFolder.samples(), limits.train(), classes.size()), config, report),
        new FolderData(classes, limit(validFolder.samples(), limits.valid(), classes.size()), config.withShuffleBuffer(0), report),
        new FolderData(classes, limit(testFolder.samples(), limits.test(), classes.size()), config.withShuffleBuffer(0), report));
  }

  private static List<Sample> limit(List<Sample> samples, int perClass, int classCount) {
    if (perClass <= 0) return samples;
    int[] taken = new int[classCount];
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (taken[s.label()] < perClass) {
        taken[s.label()]++;
        out.add(s);
      }
    }
    return out;
  }

  public List<String> classes() {
    return classes;
  }

  public FolderData train() {
    return train;
  }

  public FolderData valid() {
    return valid;
  }

  public FolderData test() {
    return test;
  }

  @Override
  public void close() {
    train.close();
    valid.close();
    test.close();
  }
}
