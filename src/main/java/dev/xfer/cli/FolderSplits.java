package dev.xfer.cli;

import dev.xfer.data.BadImageException;
import dev.xfer.data.DataReport;
import dev.xfer.data.ExampleOrder;
import dev.xfer.data.FolderData;
import dev.xfer.data.ImageDecoder;
import dev.xfer.data.LoaderConfig;
import dev.xfer.data.Sample;
import dev.xfer.data.Split;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bytedeco.javacpp.PointerScope;

/**
 * The splits of an image folder as train and evaluate see them: the tfds order of the decodable
 * images, then a split spec over that list. Sharing it keeps {@code xfer evaluate}'s test split the
 * very images {@code xfer train} held out.
 */
final class FolderSplits {
  private FolderSplits() {}

  /**
   * Decodes every image once up front (in parallel) so a bad file is reported with its path before
   * any training starts, and the splits hold only usable images (the example indices of every epoch,
   * and of the feature cache, then refer to the same list). With {@code failOnBad} the first bad
   * file stops the run.
   */
  static List<Sample> decodable(List<Sample> samples, DataReport report, boolean failOnBad) {
    ImageDecoder decoder = new ImageDecoder(false);
    Set<Sample> bad = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<BadImageException> failures = new ConcurrentLinkedQueue<>();
    samples.parallelStream().forEach(s -> {
      try (PointerScope scope = new PointerScope()) {
        decoder.decode(s.path());
      } catch (BadImageException e) {
        bad.add(s);
        failures.add(e);
        report.addBad(e);
      }
    });
    if (failOnBad && !failures.isEmpty()) {
      throw new IllegalArgumentException("--on-bad-image=fail: " + failures.peek().getMessage());
    }
    return samples.stream().filter(s -> !bad.contains(s)).toList();
  }

  /**
   * Refuses split specs that share images: a test or validation score over training images says nothing.
   * {@code optionsAndSpecs} alternates option names and their specs, e.g. "--train-split", "train[25%:]".
   */
  static void requireDisjoint(List<Sample> ordered, String... optionsAndSpecs) {
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
  static FolderData split(String spec, List<Sample> ordered, List<String> classes, LoaderConfig config, DataReport report,
      Path data) {
    List<Sample> samples = Split.parse(spec).select(ordered, ExampleOrder.tfds(), false);
    if (samples.isEmpty()) throw new IllegalArgumentException("split " + spec + ": no images in " + data);
    return new FolderData(classes, samples, config, report);
  }
}
