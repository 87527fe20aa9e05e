package dev.xfer.cli;

import dev.xfer.data.LoaderConfig;
import dev.xfer.demo.ComparisonTable;
import dev.xfer.demo.DemoData;
import dev.xfer.demo.DemoReport;
import dev.xfer.demo.DemoSettings;
import dev.xfer.demo.RunResult;
import dev.xfer.demo.TransferDemo;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.MemoryFormat;
import dev.xfer.model.ModelLoader;
import dev.xfer.selfcheck.FastPathGate;
import dev.xfer.train.MixedPrecision;
import dev.xfer.train.ProgressPrinter;
import dev.xfer.train.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xfer demo}: transfer learning against training from scratch, on the shipped backbone and target set. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Fine-tune the shipped compact backbone (models/xception-fmnist5, pretrained on 5 Fashion-MNIST classes) on the shipped target set (datasets/fmnist-target: the 5 other classes; by default 20 of the 50 training images per class) with the two-phase recipe, train the same architecture from scratch on the same data with the same epochs and steps, and print a side-by-side table: test accuracy (each arm with the weights of its highest validation accuracy), best validation accuracy, epochs to reach --reach validation accuracy, wall time. Writes RUN_DIR/transfer and RUN_DIR/scratch (history.json, model.safetensors), comparison.json, comparison.txt and comparison.png.")
final class DemoCommand implements Callable<Integer> {
  static final String DEFAULT_MODEL = "models/xception-fmnist5/model.safetensors";
  static final String DEFAULT_DATA = "datasets/fmnist-target";

  @Option(names = "--model", paramLabel = "FILE", description = "Pretrained backbone (default: the shipped " + DEFAULT_MODEL + ").")
  Path model;

  @Option(names = "--data", paramLabel = "DIR", description = "Target set with train/, valid/ and test/ image folders (default: the shipped " + DEFAULT_DATA + ").")
  Path data;

  @Option(names = "--out", paramLabel = "RUN_DIR", description = "Run directory (default: runs/demo-<date>-<time>; must be empty or absent).")
  Path out;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the new heads, the scratch weights and the shuffles (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--head-epochs", defaultValue = "4", description = "Transfer phase 1 epochs (default: ${DEFAULT-VALUE}).")
  int headEpochs;

  @Option(names = "--finetune-epochs", defaultValue = "10", description = "Transfer phase 2 epochs; scratch trains head + finetune epochs (default: ${DEFAULT-VALUE}).")
  int finetuneEpochs;

  @Option(names = "--scratch-lr", defaultValue = "0.005", description = "Scratch learning rate, chosen by validation accuracy over 0.0025-0.05 (3 seeds x 2 layouts, docs/demo.md); the backbone's own pretraining rate, 0.05, is too high for 100 images and made the scratch arm oscillate (default: ${DEFAULT-VALUE}).")
  double scratchLr;

  @Option(names = "--bn-momentum", defaultValue = "0.1", description = "BatchNorm momentum of both arms, LibTorch-style (new-batch weight; PyTorch's default 0.1; Keras' 0.99 is 0.01, under which a network trained from scratch for a few dozen steps keeps near-initial moving statistics and scores near chance on validation) (default: ${DEFAULT-VALUE}).")
  double bnMomentum;

  @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--reach", defaultValue = "0.8", description = "Validation accuracy whose first epoch the table reports (default: ${DEFAULT-VALUE}).")
  double reach;

  @Option(names = "--train-per-class", defaultValue = "20", description = "Use the first N of the 50 shipped training images of each class (0: all): few labels, where pretraining matters (default: ${DEFAULT-VALUE}).")
  int trainPerClass;

  @Option(names = "--valid-per-class", defaultValue = "20", description = "Use the first N validation images of each class (0: all 50) (default: ${DEFAULT-VALUE}).")
  int validPerClass;

  @Option(names = "--quick", description = "A smoke run: 1 + 1 epochs on 10 training, 10 validation and 20 test images per class.")
  boolean quick;

  @Option(names = "--verbose", description = "Show the per-step progress bars too.")
  boolean verbose;

  @Option(names = "--amp", description = "bf16 autocast in both arms, float32 master weights (CPUs with AVX512-BF16 or AMX; refused elsewhere).")
  boolean amp;

  @Mixin MemoryFormatOption memoryFormatOption;

  @Option(names = "--last-epoch", description = "Test each arm with its last epoch's weights instead of those of its highest validation accuracy (in its last phase; the test images play no part in the choice): the from-scratch arm can end on a loss spike.")
  boolean lastEpoch;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    threads.apply();
    Path modelFile = model != null ? model : shipped(DEFAULT_MODEL, "--model");
    Path dataDir = data != null ? data : shipped(DEFAULT_DATA, "--data");
    Path runDir = out != null ? out : Path.of("runs", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    RunDirectory.requireEmpty(runDir);
    if (amp) MixedPrecision.requireCpuSupport();
    DemoData.Limits limits = quick ? new DemoData.Limits(10, 10, 20) : new DemoData.Limits(trainPerClass, validPerClass, 0);
    ProgressPrinter progress = verbose || System.console() != null ? ProgressPrinter.console()
        : ProgressPrinter.withoutStepLines(System.out);

    LoadedModel shippedModel = ModelLoader.load(modelFile, ModelLoader.Format.AUTO, null, null);
    LoadedModel backbone = shippedModel.withBnMomentum(bnMomentum);
    int imageSize = backbone.preprocessing().imageSize();
    MemoryFormat requested = memoryFormatOption.resolve(false); // the demo trains on the CPU
    FastPathGate.Choice checked = memoryFormatOption.checkOnCpu(requested, amp, backbone.config(), imageSize, imageSize,
        System.out);
    MemoryFormat layout = requested.afterCheck(checked.channelsLast());
    DemoSettings settings = new DemoSettings(quick ? 1 : headEpochs, quick ? 1 : finetuneEpochs, scratchLr, batchSize, seed, reach,
        checked.bf16(), layout.channelsLast(), !lastEpoch);
    LoaderConfig config = LoaderConfig.defaults(imageSize).withBatchSize(batchSize).withSeed(seed)
        .withNormalization(backbone.preprocessing().normalization()).withJpegIdct(backbone.preprocessing().jpegIdct());
    Files.createDirectories(runDir);
    try (PointerScope scope = new PointerScope(); DemoData target = DemoData.open(dataDir, limits, config)) {
      System.out.printf(Locale.ROOT, "xfer demo: backbone %s (Xception width %s, %d middle block(s), pretrained on %s), "
          + "%d px%ntarget %s: %s; train %d, valid %d, test %d images%nbudget: %d epochs per arm (transfer: %d head + %d "
          + "fine-tune; scratch: %d, all stages), batch %d, BatchNorm momentum %s, seed %d%n", modelFile, backbone.config().widthMultiplier(),
          backbone.config().middleBlocks(), backbone.classNames(), imageSize, dataDir, target.classes(), target.train().size(),
          target.valid().size(), target.test().size(), settings.totalEpochs(), settings.headEpochs(), settings.finetuneEpochs(),
          settings.totalEpochs(), batchSize, bnMomentum, seed);
      System.out.println(layout.describe());
      TransferDemo demo = new TransferDemo(backbone, modelFile.getFileName().toString(), settings, progress);
      RunResult transfer = demo.transfer(target, runDir.resolve("transfer"));
      RunResult scratch = demo.scratch(target, runDir.resolve("scratch"));
      ComparisonTable table = new ComparisonTable(List.of(transfer, scratch), reach, target.test().size());
      DemoReport.write(runDir, table, transfer, scratch, modelFile, dataDir, settings, bnMomentum);
      System.out.println();
      System.out.print(table.text());
      System.out.printf(Locale.ROOT, "transfer - scratch, test accuracy: %+.1f points%nwrote %s (comparison.png, "
          + "comparison.json, transfer/ and scratch/ histories); %.0f s in all%n",
          100 * (transfer.testAccuracy() - scratch.testAccuracy()), runDir, (System.nanoTime() - start) / 1e9);
    }
    return 0;
  }

  /**
   * A shipped file, relative to the xfer checkout this program runs from (the folder above
   * target/xfer.jar or target/classes), else to the working directory.
   */
  static Path shipped(String relative, String option) {
    Path fromCwd = Path.of(relative);
    try {
      Path code = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = code.getParent() == null ? null : code.getParent().getParent();
      if (root != null && Files.exists(root.resolve(relative))) return root.resolve(relative);
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // not from a file: use the working directory
    }
    if (Files.exists(fromCwd)) return fromCwd;
    throw new IllegalArgumentException(option + ": the shipped " + relative + " was not found next to the program or in "
        + fromCwd.toAbsolutePath().getParent() + " (run from an xfer checkout, or pass " + option + ")");
  }
}
