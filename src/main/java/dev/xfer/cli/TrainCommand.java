package dev.xfer.cli;

import dev.xfer.data.DataReport;
import dev.xfer.data.ExampleOrder;
import dev.xfer.data.FolderCheck;
import dev.xfer.data.FolderData;
import dev.xfer.data.FolderSplits;
import dev.xfer.data.ImageFolder;
import dev.xfer.data.LoaderConfig;
import dev.xfer.data.Sample;
import dev.xfer.distributed.DataParallel;
import dev.xfer.distributed.DistributedContext;
import dev.xfer.distributed.JobRole;
import dev.xfer.distributed.LauncherWatch;
import dev.xfer.distributed.WorkerLauncher;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.MemoryFormat;
import dev.xfer.model.Xception;
import dev.xfer.report.Charts;
import dev.xfer.selfcheck.FastPathGate;
import dev.xfer.train.EpochRecord;
import dev.xfer.train.Evaluator;
import dev.xfer.train.FineTuner;
import dev.xfer.train.MixedPrecision;
import dev.xfer.train.ProgressPrinter;
import dev.xfer.train.RunDirectory;
import dev.xfer.train.TrainingRun;
import dev.xfer.train.TrainingSettings;
import dev.xfer.util.MemoryAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code xfer train}: the two-phase transfer-learning recipe on an image folder. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Fine-tune Xception on DIR/<class>/<image> with the transfer recipe: tfds splits (test train[:10%%], valid train[10%%:25%%], train train[25%%:]), images resized like tf.image.resize and scaled like the weights expect, batches of 32 from a 1000-element shuffle buffer; phase 1 trains a new global-average-pool + dense softmax head on the frozen backbone (BatchNorm in inference mode; pooled features cached), phase 2 fine-tunes from --unfreeze-from on. SGD in Keras' form with legacy decay (AdamW, cosine schedule, label smoothing, a backbone learning-rate multiplier, early stopping, augmentation and bf16 autocast are options). Writes RUN_DIR/model.safetensors, history.json and history.csv (one row per epoch), metrics.json, config.json, curves.png, confusion.png and a checkpoint after every epoch; --resume continues a run.")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Image folder, one sub-folder per class.")
  Path data;

  @Mixin WeightsOptions weights;

  @Mixin DistributedOptions distributed;

  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "RUN_DIR", description = "Run directory (created; must be empty unless --resume).")
  Path out;

  @Option(names = "--resume", description = "Continue the run in RUN_DIR from its last checkpoint; the data and options must be those it started with (each difference is named).")
  boolean resume;

  @Option(names = "--resume-with-changes", description = "With --resume: allow new learning rates and epoch counts (--head-lr, --finetune-lr, --head-epochs, --finetune-epochs), recorded in config.json.")
  boolean resumeWithChanges;

  @Option(names = "--image-size", paramLabel = "N", description = "Input size N x N (default: the size an xfer model file"
      + " was trained at; " + RECIPE_IMAGE_SIZE + ", the transfer recipe's, for Keras and timm ImageNet weights).")
  Integer imageSize;

  /** The recipe's input size for ImageNet weights (tf_flowers resized to 224, not Xception's native 299). */
  static final int RECIPE_IMAGE_SIZE = 224;

  @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--shuffle-buffer", defaultValue = "1000", description = "tf.data-style shuffle buffer (default: ${DEFAULT-VALUE}).")
  int shuffleBuffer;

  @Option(names = "--seed", defaultValue = "42", description = "Seed for shuffling and the new head (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--test-split", defaultValue = "train[:10%]", description = "Test split (default: ${DEFAULT-VALUE}).")
  String testSplit;

  @Option(names = "--valid-split", defaultValue = "train[10%:25%]", description = "Validation split (default: ${DEFAULT-VALUE}).")
  String validSplit;

  @Option(names = "--train-split", defaultValue = "train[25%:]", description = "Training split (default: ${DEFAULT-VALUE}).")
  String trainSplit;

  @Option(names = "--head-epochs", defaultValue = "5", description = "Phase 1 epochs (default: ${DEFAULT-VALUE}).")
  int headEpochs;

  @Option(names = "--head-lr", defaultValue = "0.2", description = "Phase 1 learning rate (default: ${DEFAULT-VALUE}).")
  double headLr;

  @Option(names = "--head-decay", defaultValue = "0.01", description = "Phase 1 Keras decay (default: ${DEFAULT-VALUE}).")
  double headDecay;

  @Option(names = "--finetune-epochs", defaultValue = "10", description = "Phase 2 epochs (default: ${DEFAULT-VALUE}).")
  int finetuneEpochs;

  @Option(names = "--finetune-lr", defaultValue = "0.01", description = "Phase 2 learning rate (default: ${DEFAULT-VALUE}).")
  double finetuneLr;

  @Option(names = "--finetune-decay", defaultValue = "0.001", description = "Phase 2 Keras decay (default: ${DEFAULT-VALUE}).")
  double finetuneDecay;

  @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum, both phases (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--unfreeze-from", defaultValue = "stem", paramLabel = "STAGE", description = "First stage trained in phase 2: stem, block1..block12 (timm names), exit, head (default: ${DEFAULT-VALUE}).")
  String unfreezeFrom;

  @Option(names = "--no-feature-cache", description = "Run the frozen backbone every step of phase 1 instead of caching pooled features.")
  boolean noFeatureCache;

  @Option(names = "--optimizer", defaultValue = "sgd", paramLabel = "sgd|adamw", description = "Update rule, both phases: Keras SGD with momentum, or AdamW with decoupled weight decay (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW's decoupled weight decay (default: ${DEFAULT-VALUE}; ignored by sgd).")
  double weightDecay;

  @Option(names = "--schedule", defaultValue = "keras-decay", paramLabel = "keras-decay|cosine", description = "Learning rate within each phase: Keras' legacy decay lr/(1+decay*step), or cosine annealing to 0 over the phase (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--label-smoothing", defaultValue = "0", paramLabel = "EPS", description = "Label smoothing of the training loss (default: ${DEFAULT-VALUE}).")
  double labelSmoothing;

  @Option(names = "--backbone-lr-mult", defaultValue = "1", paramLabel = "M", description = "Backbone parameters train at M x the learning rate, the head at 1x (default: ${DEFAULT-VALUE}).")
  double backboneLrMult;

  @Option(names = "--early-stopping", paramLabel = "PATIENCE", description = "Stop a phase after PATIENCE epochs without a better validation metric (--monitor; default: off).")
  Integer earlyStoppingPatience;

  @Option(names = "--monitor", defaultValue = "val_loss", paramLabel = "METRIC",
      description = "What --early-stopping and --restore-best watch: val_loss (lower is better, Keras' default) or val_accuracy (default: ${DEFAULT-VALUE}).")
  String monitor;

  @Option(names = "--early-stopping-min-delta", defaultValue = "0", description = "Smallest change of the monitored metric that counts as an improvement (default: ${DEFAULT-VALUE}).")
  double earlyStoppingMinDelta;

  @Option(names = "--restore-best", description = "With --early-stopping: end each phase with the weights of its best epoch by --monitor.")
  boolean restoreBest;

  @Option(names = "--random-flip", description = "Augment training images with a random horizontal flip (turns the feature cache off).")
  boolean randomFlip;

  @Option(names = "--random-resized-crop", description = "Augment training images with torchvision's random resized crop, scale 0.08-1, ratio 3/4-4/3 (turns the feature cache off).")
  boolean randomResizedCrop;

  @Option(names = "--amp", description = "bf16 autocast with float32 master weights (CPUs with AVX512-BF16 or AMX; refused elsewhere).")
  boolean amp;

  @Mixin MemoryFormatOption memoryFormatOption;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|cuda|auto", description = "Where to train: cpu, cuda, or auto (cuda when LibTorch has it, else cpu) (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--on-bad-image", defaultValue = "skip", paramLabel = "skip|fail", description = "Unreadable images: skip (reported, counted) or fail (default: ${DEFAULT-VALUE}).")
  String onBadImage;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    JobRole role = distributed.role(System.getenv());
    if (role.kind() == JobRole.Kind.LAUNCHER) return launch(role.worldSize(), role.masterPort());
    if (role.kind() == JobRole.Kind.SINGLE) return train(DataParallel.single());
    LauncherWatch.startIfLaunched(System.getenv(), launcher -> {
      System.err.println("worker: the launcher (pid " + launcher + ") has ended; stopping");
      System.exit(1);
    });
    if (!Devices.resolve(device).equals("cpu")) {
      throw new IllegalArgumentException("distributed training runs on CPU with Gloo in this build (--device cpu);"
          + " NCCL needs the -gpu presets, see docs/distributed.md");
    }
    if (threads.count == null) { // share the cores among the ranks on this machine, as torchrun's OMP_NUM_THREADS does
      String local = System.getenv("LOCAL_WORLD_SIZE");
      int perMachine = local == null ? 1 : Math.max(1, Integer.parseInt(local.trim()));
      threads.count = Math.max(1, Runtime.getRuntime().availableProcessors() / perMachine);
    }
    System.out.printf("rank %d of %d: joining %s:%d%s%n", role.rank(), role.worldSize(), role.masterAddr(),
        role.masterPort(), distributed.syncBatchNorm ? " (synchronised BatchNorm)" : "");
    try (DistributedContext ctx = DistributedContext.join(role.rank(), role.worldSize(), role.masterAddr(),
        role.masterPort(), distributed.timeoutMs())) {
      return train(DataParallel.of(ctx, distributed.syncBatchNorm));
    }
  }

  /** Starts {@code n} local workers running this command as ranks 0..n-1 and waits for them all. */
  private int launch(int n, int port) throws Exception {
    try (RunDirectory run = new TrainingRun(settings()).open()) { // fail here, not in n workers; the workers share this lock
      return RunDirectory.failingStart(run, () -> launchInto(n, port));
    }
  }

  private int launchInto(int n, int port) throws Exception {
    Path logs = Files.createDirectories(out.resolve(TrainingRun.WORKER_LOGS));
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    int first = spec.parent() != null ? args.indexOf(spec.name()) + 1 : 0;
    List<String> workerArgs = new java.util.ArrayList<>(List.of(spec.name()));
    workerArgs.addAll(JobRole.withoutNproc(args.subList(first, args.size())));
    int masterPort = port > 0 ? port : WorkerLauncher.freePort();
    System.out.printf("starting %d workers (rank 0 prints here; ranks 1..%d log to %s), rendezvous 127.0.0.1:%d%n",
        n, n - 1, logs, masterPort);
    new WorkerLauncher(n, masterPort, 0, logs, true).run(XferCommand.class.getName(), workerArgs);
    return 0;
  }

  private Integer train(DataParallel parallel) throws Exception {
    threads.apply();
    String resolvedDevice = Devices.resolve(device);
    System.out.println("device: " + resolvedDevice + "; bf16 on this CPU: "
        + (MixedPrecision.cpuSupportsBf16() ? "supported" : "not supported") + (amp ? " (--amp on)" : "")
        + "; memory allocator: " + MemoryAllocator.name());
    boolean cuda = resolvedDevice.equals("cuda");
    if (amp && !cuda) MixedPrecision.requireCpuSupport();
    TrainingSettings settings = settings();
    settings.validate();
    TrainingRun run = new TrainingRun(settings);
    try (RunDirectory dir = parallel.writesOutputs() ? run.open() : null) {
      return RunDirectory.failingStart(dir, () -> trainInto(run, settings, parallel, cuda));
    }
  }

  private Integer trainInto(TrainingRun run, TrainingSettings settings, DataParallel parallel, boolean cuda) throws Exception {
    boolean writer = parallel.writesOutputs();
    run.checkWorldSize(parallel.worldSize());
    DataReport report = new DataReport(issue -> System.err.println("skipped " + issue));
    ImageFolder folder = ImageFolder.scan(data, report);
    List<Sample> ordered = FolderCheck.decodable(ExampleOrder.tfds().sort(folder.samples()), report,
        onBadImage.equalsIgnoreCase("fail"));
    FolderSplits.requireDisjoint(ordered, "--train-split", trainSplit, "--valid-split", validSplit, "--test-split", testSplit);
    List<String> classes = folder.classes();
    LoadedModel loaded = weights.load();
    int size = inputSize(loaded);
    System.out.println("input: " + size + "x" + size + (imageSize != null ? " (--image-size)"
        : loaded.format().equals("xfer") ? " (the model file's own)" : " (the recipe's, for " + loaded.format() + " weights)"));
    torch.manual_seed(seed);
    Xception model = loaded.build(weights.weights.getFileName().toString());
    if (!model.hasClassifier() || model.named_parameters().get("fc.bias").size(0) != classes.size()) {
      model.resetClassifier(classes.size());
    }
    if (cuda) {
      torch.globalContext().setBenchmarkCuDNN(true); // fixed input shapes: let cuDNN pick the fastest kernels
      model.to(new org.bytedeco.pytorch.Device("cuda"), false);
    }
    MemoryFormat format = memoryFormatOption.resolve(cuda);
    if (!cuda) { // a fast path runs only after it matched NCHW float32 on this host; the run records what it used
      FastPathGate.Choice checked = memoryFormatOption.checkOnCpu(format, amp, model.config(), size, size, System.out);
      format = format.afterCheck(checked.channelsLast());
      amp = checked.bf16();
    }
    System.out.println(format.describe());
    if (format.channelsLast()) model.useChannelsLast();
    LoaderConfig config = LoaderConfig.defaults(size).withBatchSize(batchSize).withShuffleBuffer(shuffleBuffer)
        .withSeed(seed).withNormalization(loaded.preprocessing().normalization()).withJpegIdct(loaded.preprocessing().jpegIdct())
        .withOnBadImage(settings.badImagePolicy());
    run.recordConfig(settings.config(loaded, classes, size, parallel, format, amp), classes, folder.samples(), writer);
    try (PointerScope scope = new PointerScope();
        FolderData train = FolderSplits.split(trainSplit, ordered, classes, config.withAugmentation(settings.augmentation()), report, data);
        FolderData valid = FolderSplits.split(validSplit, ordered, classes, config, report, data);
        FolderData test = FolderSplits.split(testSplit, ordered, classes, config, report, data)) {
      System.out.printf("data: %s, %d classes; train %d, valid %d, test %d images%n", data, classes.size(),
          train.size(), valid.size(), test.size());
      FineTuner.Options options = new FineTuner.Options(batchSize, seed, !noFeatureCache, out, ProgressPrinter.console())
          .withEarlyStopping(settings.earlyStopping()).withAmp(amp).withParallel(parallel);
      List<EpochRecord> history = new FineTuner(model, settings.phases(), options).run(train, valid);
      Evaluator.Result result = Evaluator.evaluate(model, test, batchSize, amp, parallel);
      if (!writer) {
        System.out.printf(Locale.ROOT, "test: loss %.4f, accuracy %.4f (%d images, all ranks); rank 0 writes the run%n",
            result.loss(), result.accuracy(), result.metrics().count());
        return 0;
      }
      run.writeResults(model, loaded.preprocessing().withImageSize(size), classes, result, report);
      Charts.curves(history, "xfer train: " + data.getFileName(), run.curvesChart());
      Charts.confusion(result.metrics().confusion(), classes, "test confusion (rows: true class)", run.confusionChart());
      System.out.printf(Locale.ROOT, "test: loss %.4f, accuracy %.4f (%d images); data: %s%nwrote %s%n",
          result.loss(), result.accuracy(), result.metrics().count(), report.summary(), out);
    }
    return 0;
  }

  private TrainingSettings settings() {
    return new TrainingSettings(data, weights.weights, out, resume, resumeWithChanges, batchSize, shuffleBuffer, seed,
        testSplit, validSplit, trainSplit, headEpochs, headLr, headDecay, finetuneEpochs, finetuneLr, finetuneDecay, momentum,
        unfreezeFrom, !noFeatureCache, optimizer, weightDecay, schedule, labelSmoothing, backboneLrMult,
        earlyStoppingPatience, monitor, earlyStoppingMinDelta, restoreBest, randomFlip, randomResizedCrop, device, onBadImage);
  }

  /** --image-size, else an xfer model file's own size, else the recipe's 224. */
  private int inputSize(LoadedModel loaded) {
    if (imageSize != null) return ImageSizes.check(imageSize);
    return loaded.format().equals("xfer") ? loaded.preprocessing().imageSize() : RECIPE_IMAGE_SIZE;
  }
}
