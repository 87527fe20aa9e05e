package dev.xfer.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The splits of an image folder as train and evaluate see them: the tfds order of the decodable
 * images ({@link FolderCheck#decodable}), then a split spec over that list. Sharing it keeps
 * {@code xfer evaluate}'s test split the very images {@code xfer train} held out.
 */
public final class FolderSplits {
  private FolderSplits() {}

  /**
   * Refuses split specs that share images: a test or validation score over training images says nothing.
   * {@code optionsAndSpecs} alternates option names and their specs, e.g. "--train-split", "train[25%:]".
   */
  public static void requireDisjoint(List<Sample> ordered, String... optionsAndSpecs) {
    int n = ordered.size();
    for (int i = 0; i < optionsAndSpecs.length; i += 2) {
      int[] a = Split.parse(optionsAndSpecs[i + 1]).bounds(n);
      for (int j = i + 2; j < optionsAndSpecs.length; j += 2) {
        int[] b = Split.parse(optionsAndSpecs[j + 1]).bounds(n);
        int shared = Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));
        if (shared > 0) {
          throw new IllegalArgumentException(optionsAndSpecs[i] + " " + optionsAndSpecs[i + 1] + " and " + optionsAndSpecs[j]
              + " " + optionsAndSpecs[j + 1] + " share " + shared + " of the " + n + " images; the splits must not overlap");
        }
      }
    }
  }

  /** The images of split {@code spec} of {@code ordered} (tfds order), as training data. */
  public static FolderData split(String spec, List<Sample> ordered, List<String> classes, LoaderConfig config, DataReport report,
      Path data) {
    List<Sample> samples = Split.parse(spec).select(ordered, ExampleOrder.tfds(), false);
    if (samples.isEmpty()) throw new IllegalArgumentException("split " + spec + ": no images in " + data);
    return new FolderData(classes, samples, config, report);
  }
}
