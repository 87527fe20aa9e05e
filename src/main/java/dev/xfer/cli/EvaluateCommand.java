package dev.xfer.cli;

import dev.xfer.data.BadImagePolicy;
import dev.xfer.data.DataReport;
import dev.xfer.data.ExampleOrder;
import dev.xfer.data.FolderCheck;
import dev.xfer.data.FolderData;
import dev.xfer.data.FolderSplits;
import dev.xfer.data.ImageFolder;
import dev.xfer.data.LoaderConfig;
import dev.xfer.data.Sample;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelLoader;
import dev.xfer.model.Xception;
import dev.xfer.report.EvaluationReport;
import dev.xfer.train.Evaluator;
import dev.xfer.util.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xfer evaluate}: loss, accuracy, per-class precision/recall/F1 and the confusion matrix of a model on a split. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate a trained xfer model file on a split of DIR/<class>/<image>: mean cross-entropy, accuracy, per-class precision / recall / F1 and the confusion matrix (rows: true class). The split is taken from the same tfds order and bad-image filtering as xfer train, so the default is the test split train held out.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "FILE", description = "An xfer model file with a classifier (xfer train writes RUN_DIR/model.safetensors).")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Image folder, one sub-folder per class (the model's classes).")
  Path data;

  @Option(names = "--split", defaultValue = "train[:10%]", paramLabel = "SPEC", description = "tfds split spec, e.g. train[:10%%] or train (default: ${DEFAULT-VALUE}, xfer train's test split).")
  String split;

  @Option(names = "--batch-size", defaultValue = "32", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--on-bad-image", defaultValue = "skip", paramLabel = "skip|fail", description = "Unreadable images: skip (reported) or fail (default: ${DEFAULT-VALUE}).")
  String onBadImage;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Option(names = "--allow-nonfinite", description = "Load a model holding NaN or infinite values (or a negative BatchNorm variance) with a warning instead of refusing it.")
  boolean allowNonFinite;

  @Mixin MemoryFormatOption memoryFormatOption;

  @Override
  public Integer call() throws Exception {
    if (batchSize < 1) throw new IllegalArgumentException("--batch-size: expected at least 1, found " + batchSize);
    BadImagePolicy policy = BadImagePolicy.valueOf(onBadImage.toUpperCase(Locale.ROOT));
    try (PointerScope scope = new PointerScope()) {
      LoadedModel loaded = ModelLoader.load(model, ModelLoader.Format.AUTO, null, null, allowNonFinite);
      Xception net = loaded.build(model.getFileName().toString());
      if (!net.hasClassifier()) throw new IllegalArgumentException("--model: " + model.getFileName() + " has no classifier");
      int size = loaded.preprocessing().imageSize();
      memoryFormatOption.applyOnCpu(net, size, size);
      DataReport report = new DataReport(issue -> System.err.println("skipped " + issue));
      ImageFolder folder = ImageFolder.scan(data, report);
      List<String> classes = folder.classes();
      if (!loaded.classNames().isEmpty() && !loaded.classNames().equals(classes)) {
        throw new IllegalArgumentException("--data: " + data + " has classes " + classes + ", the model was trained on "
            + loaded.classNames());
      }
      List<Sample> ordered = FolderCheck.decodable(ExampleOrder.tfds().sort(folder.samples()), report,
          policy == BadImagePolicy.FAIL);
      LoaderConfig config = LoaderConfig.defaults(size).withBatchSize(batchSize).withShuffleBuffer(0)
          .withNormalization(loaded.preprocessing().normalization()).withJpegIdct(loaded.preprocessing().jpegIdct())
          .withOnBadImage(policy);
      Evaluator.Result r;
      try (FolderData examples = FolderSplits.split(split, ordered, classes, config, report, data)) {
        r = Evaluator.evaluate(net, examples, batchSize);
      }
      EvaluationReport found = new EvaluationReport(model, data, split, r, classes);
      if (json) {
        System.out.println(Json.object(found.document()));
      } else {
        found.printTables(System.out);
      }
    }
    return 0;
  }
}
