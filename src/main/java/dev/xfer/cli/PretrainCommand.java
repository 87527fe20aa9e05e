package dev.xfer.cli;

import dev.xfer.data.FashionMnist;
import dev.xfer.data.GrayImageData;
import dev.xfer.data.GrayImages;
import dev.xfer.data.GraySubsets;
import dev.xfer.data.TargetSetWriter;
import dev.xfer.kernels.Normalization;
import dev.xfer.model.ModelFile;
import dev.xfer.model.Numerics;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.report.ModelCard;
import dev.xfer.train.EpochRecord;
import dev.xfer.train.Evaluator;
import dev.xfer.train.FineTuner;
import dev.xfer.train.PhaseConfig;
import dev.xfer.train.ProgressPrinter;
import dev.xfer.util.AtomicFiles;
import dev.xfer.util.Machine;
import dev.xfer.util.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code xfer pretrain}: a compact Xception trained from scratch on Fashion-MNIST source classes. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
    description = "Train a compact Xception (same code as the full model: --width, --middle-blocks) from scratch on some Fashion-MNIST classes, the images upscaled to --image-size and made RGB through the normal preprocessing path (Keras scaling). Writes OUT/model.safetensors (an xfer model file with its classifier), OUT/history.json and the model card OUT/README.md (data, command, seed, epochs, accuracy, time, machine, sha256). --target-out also writes the other classes as a small PNG image set (train/valid/test) for `xfer demo`.")
final class PretrainCommand implements Callable<Integer> {
  static final String DEFAULT_SOURCE = "tshirt,trouser,pullover,dress,coat";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", defaultValue = "fashion-mnist:/usr/share/datasets/fashion-mnist", paramLabel = "fashion-mnist:DIR",
      description = "Folder with Fashion-MNIST's four idx files, .gz or not (default: ${DEFAULT-VALUE}, from apt-get install dataset-fashion-mnist).")
  String data;

  @Option(names = "--classes", defaultValue = DEFAULT_SOURCE, split = ",", paramLabel = "NAMES",
      description = "Source classes, from: tshirt, trouser, pullover, dress, coat, sandal, shirt, sneaker, bag, ankle-boot (default: ${DEFAULT-VALUE}).")
  List<String> classes;

  @Option(names = "--per-class", defaultValue = "0", description = "Training images per class, a seeded random subset; 0 = all (default: ${DEFAULT-VALUE}).")
  int perClass;

  @Option(names = "--valid-per-class", defaultValue = "200", description = "Test images per class used as the per-epoch validation (a seeded subset; the final accuracy uses the whole test file) (default: ${DEFAULT-VALUE}).")
  int validPerClass;

  @Option(names = "--width", defaultValue = "0.25", description = "Width multiplier of every channel count (default: ${DEFAULT-VALUE}).")
  double width;

  @Option(names = "--middle-blocks", defaultValue = "1", description = "Middle-flow blocks (Keras: 8; default: ${DEFAULT-VALUE}).")
  int middleBlocks;

  @Option(names = "--image-size", defaultValue = "71", description = "Input size, >= 71 (default: ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(names = "--epochs", defaultValue = "3", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.05", description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--decay", defaultValue = "0.001", description = "Keras legacy decay per step (default: ${DEFAULT-VALUE}).")
  double decay;

  @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the initial weights, the subset and the shuffles (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model folder, e.g. models/xception-fmnist5 (created; its model.safetensors, history.json and README.md are replaced).")
  Path out;

  @Option(names = "--target-out", paramLabel = "DIR", description = "Also write the other classes as PNGs: DIR/{train,valid,test}/<class>/ (DIR must be empty or absent).")
  Path targetOut;

  @Option(names = "--target-counts", defaultValue = "50,50,100", paramLabel = "TRAIN,VALID,TEST",
      description = "Target images per class: train and valid from the training file, test from the test file (default: ${DEFAULT-VALUE}).")
  String targetCounts;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    ImageSizes.check(imageSize);
    threads.apply();
    // The training engine holds parameter tensors that live inside dictionaries LibTorch returns;
    // this scope keeps those alive for the whole run (the garbage collector would free them).
    try (PointerScope scope = new PointerScope()) {
      return pretrain();
    }
  }

  private int pretrain() throws Exception {
    Path dir = FashionMnist.parseLocation(data);
    int[] sourceLabels = FashionMnist.labelsOf(classes);
    List<String> sourceNames = Arrays.stream(sourceLabels).mapToObj(FashionMnist.CLASSES::get).toList();
    TargetSetWriter.Counts counts = TargetSetWriter.Counts.parse(targetCounts);
    GrayImages trainFile = FashionMnist.read(dir, FashionMnist.Part.TRAIN);
    GrayImages testFile = FashionMnist.read(dir, FashionMnist.Part.TEST);
    Files.createDirectories(out);
    String command = commandLine();
    if (targetOut != null) {
      int n = TargetSetWriter.writeOtherClasses(targetOut, trainFile, testFile, sourceLabels, counts, seed, command);
      System.out.printf("target set: %d PNG files for %s in %s%n", n, TargetSetWriter.otherClasses(sourceLabels), targetOut);
    }

    GrayImages train = GraySubsets.perClass(trainFile.select(sourceLabels), classes, perClass, seed);
    GrayImages test = testFile.select(sourceLabels);
    GrayImages valid = GraySubsets.perClass(test, classes, validPerClass, seed);
    Normalization norm = Normalization.KERAS_XCEPTION;
    GrayImageData trainData = new GrayImageData(sourceNames, train, imageSize, norm, seed);
    GrayImageData testData = new GrayImageData(sourceNames, test, imageSize, norm, seed);
    GrayImageData validData = new GrayImageData(sourceNames, valid, imageSize, norm, seed);
    torch.manual_seed(seed);
    XceptionConfig config = new XceptionConfig(width, middleBlocks, sourceNames.size(), Numerics.KERAS);
    Xception model = new Xception(config);
    System.out.printf(Locale.ROOT, "pretrain: Xception width %s, %d middle blocks, %d px; %s; train %d, test %d images%n",
        width, middleBlocks, imageSize, sourceNames, train.count(), test.count());
    PhaseConfig phase = new PhaseConfig("pretrain", epochs, lr, decay, momentum, false, "stem");
    long start = System.nanoTime();
    List<EpochRecord> history = new FineTuner(model, List.of(phase),
        new FineTuner.Options(batchSize, seed, false, null, ProgressPrinter.console())).run(trainData, validData);
    Evaluator.Result result = Evaluator.evaluate(model, testData, batchSize);
    double seconds = (System.nanoTime() - start) / 1e9;

    Path file = out.resolve("model.safetensors");
    ModelFile.save(file, model, new Preprocessing(imageSize, norm), sourceNames);
    writeHistory(history);
    ModelCard card = new ModelCard(out.getFileName().toString(), config, imageSize, sourceNames, train.count(),
        test.count(), perClass, command, seed, epochs, batchSize, lr, decay, momentum, result.accuracy(), seconds,
        Machine.describe() + ", LibTorch " + torch.get_num_threads() + " threads", file.getFileName().toString(),
        Files.size(file), Sha256.hex(file), targetOut == null ? null : relative(targetOut), counts);
    AtomicFiles.writeString(out.resolve("README.md"), card.markdown());
    System.out.printf(Locale.ROOT, "source test accuracy %.4f (%d images), %.0f s; wrote %s (%,d bytes, sha256 %s) and %s%n",
        result.accuracy(), test.count(), seconds, file, Files.size(file), Sha256.hex(file), out.resolve("README.md"));
    return 0;
  }

  private void writeHistory(List<EpochRecord> history) throws java.io.IOException {
    dev.xfer.train.HistoryFile.write(out, history);
  }

  /** This invocation as a shell command, for the card ("./xfer pretrain ARGS"). */
  private String commandLine() {
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    if (!args.isEmpty() && args.get(0).equals(spec.name())) args = args.subList(1, args.size());
    StringBuilder sb = new StringBuilder("./xfer pretrain");
    for (String a : args) sb.append(' ').append(a.matches("[\\w@%+=:,./-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    return sb.toString();
  }

  /** {@code p} as seen from the model folder (for the card's link), or absolute when that is not possible. */
  private String relative(Path p) {
    try {
      return out.toAbsolutePath().normalize().relativize(p.toAbsolutePath().normalize()).toString();
    } catch (IllegalArgumentException e) {
      return p.toAbsolutePath().toString();
    }
  }

}
