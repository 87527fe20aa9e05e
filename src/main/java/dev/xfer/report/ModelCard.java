package dev.xfer.report;

import dev.xfer.data.TargetSetWriter;
import dev.xfer.model.XceptionConfig;
import java.util.List;
import java.util.Locale;

/**
 * The model card of a pretrained backbone ({@code models/<name>/README.md}): what it was trained on,
 * how to rebuild it exactly, what it reached, how long it took on which machine, and the file's sha256.
 */
public record ModelCard(String name, XceptionConfig config, int imageSize, List<String> classes, int trainImages,
    int testImages, int perClass, String command, long seed, int epochs, int batchSize, double lr, double decay,
    double momentum, double testAccuracy, double seconds, String machine, String fileName, long fileBytes,
    String sha256, String targetSet, TargetSetWriter.Counts targetCounts) {

  /** The card as Markdown. */
  public String markdown() {
    StringBuilder s = new StringBuilder();
    s.append("# ").append(name).append("\n\n");
    s.append(String.format(Locale.ROOT, "A compact Xception (width %s, %d middle block(s), %s numerics) pretrained from scratch "
        + "on %d Fashion-MNIST classes; the shipped backbone of `xfer demo`. Written by `xfer pretrain`.%n%n",
        config.widthMultiplier(), config.middleBlocks(), config.numerics().name(), classes.size()));
    s.append("| | |\n|---|---|\n");
    row(s, "file", String.format(Locale.ROOT, "`%s`, %,d bytes, xfer model file with its %d-class classifier", fileName, fileBytes, classes.size()));
    row(s, "sha256", "`" + sha256 + "`");
    row(s, "data", String.format(Locale.ROOT, "Fashion-MNIST (Xiao, Rasul, Vollgraf 2017, MIT licence), Debian package "
        + "`dataset-fashion-mnist`; training: %s of `train-images-idx3-ubyte` (%,d images); test: all %,d images of these "
        + "classes in `t10k-images-idx3-ubyte`", perClass > 0 ? perClass + " seeded random images per class" : "every image of these classes",
        trainImages, testImages));
    row(s, "classes (label order)", String.join(", ", classes));
    row(s, "input", String.format(Locale.ROOT, "28x28 gray repeated to RGB, resized to %d x %d like tf.image.resize (bilinear), x / 127.5 - 1", imageSize, imageSize));
    row(s, "training", String.format(Locale.ROOT, "all stages from random initialisation (LibTorch defaults, `torch.manual_seed(%d)`), "
        + "%d epoch(s), batch %d, full shuffle every epoch, Keras SGD lr %s, momentum %s, decay %s; no augmentation", seed, epochs,
        batchSize, lr, momentum, decay));
    row(s, "seed", Long.toString(seed));
    row(s, "epochs", Integer.toString(epochs));
    row(s, "source test accuracy", String.format(Locale.ROOT, "**%.2f%%** (all %,d test images of these classes; a seeded "
        + "subset of them is the per-epoch validation in history.json; nothing is selected on it: fixed epochs, last weights)",
        100 * testAccuracy, testImages));
    row(s, "training time", String.format(Locale.ROOT, "%.0f s (training and per-epoch evaluation)", seconds));
    row(s, "machine", machine + " (shared with other jobs while it ran)");
    if (targetSet != null) {
      row(s, "target set", String.format(Locale.ROOT, "`%s`: the other classes, %d train + %d valid per class from the "
          + "training file, %d test per class from the test file (see its README.md)", targetSet, targetCounts.train(),
          targetCounts.valid(), targetCounts.test()));
    }
    s.append("\n## Rebuild\n\n```\napt-get install dataset-fashion-mnist   # the four idx .gz files\n")
        .append(command).append("\n```\n\n");
    s.append("Re-running it gives the same data, order and initial weights; LibTorch's multi-threaded CPU kernels may "
        + "differ in the last bits, so accuracy agrees to within a fraction of a point, not bit for bit.\n");
    return s.toString();
  }

  private static void row(StringBuilder s, String key, String value) {
    s.append("| ").append(key).append(" | ").append(value).append(" |\n");
  }
}
