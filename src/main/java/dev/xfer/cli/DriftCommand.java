package dev.xfer.cli;

import dev.xfer.data.BadImagePolicy;
import dev.xfer.data.DataReport;
import dev.xfer.data.FashionMnist;
import dev.xfer.data.GrayImages;
import dev.xfer.data.ImageShift;
import dev.xfer.data.LoaderConfig;
import dev.xfer.data.stream.FolderStream;
import dev.xfer.data.stream.ShiftedStream;
import dev.xfer.data.stream.WindowStream;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelLoader;
import dev.xfer.report.DriftChart;
import dev.xfer.transfer.SupervisedTraining;
import dev.xfer.transfer.drift.DriftDetector;
import dev.xfer.transfer.drift.DriftExperiment;
import dev.xfer.transfer.drift.DriftReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xfer drift}: a model over a stream of windows, drift detection and BN adaptation. */
@Command(name = "drift", mixinStandardHelpOptions = true,
    description = {"Performance drift: runs a model over a stream of windows. Per window: accuracy (when labelled), mean confidence and the unbiased MMD² (Gaussian kernel, median-heuristic bandwidth) of the frozen model's pooled features against a reference of in-distribution images. Rule: drift is declared at the second consecutive window whose MMD² exceeds the largest MMD² between random halves of the reference (100 splits). After that, an adapted copy re-estimates its BatchNorm statistics on the previous --adapt-windows windows before each window (and, with --finetune-labels N, fine-tunes on their N newest labelled images). Writes OUT/windows.md (table per seed and summary) and OUT/drift.png (first seed).",
        "Two kinds of stream:",
        "  KIND:MAX|none  generated from Fashion-MNIST's test file (--data): --windows windows of --window-size images whose shift reaches full strength linearly from --shift-start to --shift-end; the reference is --reference-windows windows of further unshifted test images.",
        "  folders:DIR  a folder sequence: DIR's sub-folders in lexical order of their names (e.g. w00, w01, ...) are the windows; each holds class sub-folders named as the model's classes (labelled: accuracy reported) or images directly (unlabelled: accuracy omitted); all windows of one kind. The first --reference-windows windows are the reference, the stream is the windows after them. --windows, --window-size, --shift-start, --shift-end and --data do not apply; seeds only change the reference half-splits. An undecodable image aborts the run."})
final class DriftCommand implements Callable<Integer> {
  private static final String FOLDERS = "folders:";
  private static final int BATCH = 50;

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "xfer model file with a classifier (over Fashion-MNIST class names for a generated stream).")
  Path model;

  @Option(names = "--data", defaultValue = "fashion-mnist:/usr/share/datasets/fashion-mnist", paramLabel = "fashion-mnist:DIR",
      description = "Generated streams: Fashion-MNIST's idx folder; the stream and reference come from its test file (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--stream", required = true, paramLabel = "KIND:MAX|none|folders:DIR",
      description = "A generated shift that grows over the stream (rotate:DEGREES, brightness:FRACTION, invert:FRACTION, noise:SIGMA, blur:SIGMA_PX, or none), or folders:DIR, a folder sequence.")
  String stream;

  @Option(names = "--windows", defaultValue = "20", description = "Generated streams: windows in the stream (default: ${DEFAULT-VALUE}).")
  int windows;

  @Option(names = "--window-size", defaultValue = "150", description = "Generated streams: images per window (default: ${DEFAULT-VALUE}).")
  int windowSize;

  @Option(names = "--shift-start", defaultValue = "5", description = "Generated streams: first window with a shift (default: ${DEFAULT-VALUE}).")
  int shiftStart;

  @Option(names = "--shift-end", defaultValue = "14", description = "Generated streams: first window at full strength (default: ${DEFAULT-VALUE}).")
  int shiftEnd;

  @Option(names = "--reference-windows", defaultValue = "2", description = "Windows of in-distribution images in the reference (folder streams: the first ones) (default: ${DEFAULT-VALUE}).")
  int referenceWindows;

  @Option(names = "--adapt-windows", defaultValue = "2", description = "Recent windows whose images re-estimate BatchNorm (default: ${DEFAULT-VALUE}).")
  int adaptWindows;

  @Option(names = "--finetune-labels", defaultValue = "0", paramLabel = "N",
      description = "After AdaBN, also fine-tune every layer on the N newest labelled images of the recent windows (labelled streams only); 0 = AdaBN only (default: ${DEFAULT-VALUE}).")
  int finetuneLabels;

  @Option(names = "--finetune-epochs", defaultValue = "3", description = "Epochs over the labelled buffer per adaptation (default: ${DEFAULT-VALUE}).")
  int finetuneEpochs;

  @Option(names = "--finetune-lr", defaultValue = "0.0003", description = "Adam learning rate of the fine-tuning (default: ${DEFAULT-VALUE}).")
  double finetuneLr;

  @Option(names = "--last", defaultValue = "5", description = "Windows at the end over which accuracies are compared (default: ${DEFAULT-VALUE}).")
  int last;

  @Option(names = "--seeds", defaultValue = "1", split = ",", description = "Seeds: stream order, reference, noise, reference half-splits (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created).")
  Path out;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    if (referenceWindows < 1) throw new IllegalArgumentException("--reference-windows: expected >= 1, found " + referenceWindows);
    LoadedModel weights = ModelLoader.load(model, ModelLoader.Format.AUTO, null, null);
    if (weights.classNames().isEmpty()) throw new IllegalArgumentException("--model " + model + ": expected a classifier with class names, found none");
    boolean folders = stream.startsWith(FOLDERS);
    String description;
    LongFunction<WindowStream> streamOf;
    if (folders) {
      Path root = Path.of(stream.substring(FOLDERS.length()));
      LoaderConfig config = LoaderConfig.defaults(weights.preprocessing().imageSize()).withNormalization(weights.preprocessing().normalization())
          .withJpegIdct(weights.preprocessing().jpegIdct())
          .withBatchSize(BATCH).withOnBadImage(BadImagePolicy.FAIL);
      FolderStream fs = FolderStream.scan(root, referenceWindows, weights.classNames(), config, new DataReport());
      description = String.format(Locale.ROOT, "folder sequence %s: %d windows after a reference of %d windows (%d images), %s", root,
          fs.size(), referenceWindows, fs.referenceImages(), fs.labelled() ? "labelled" : "unlabelled (no accuracy)");
      streamOf = seed -> fs;
    } else {
      ImageShift shift = ImageShift.parse(stream);
      streamOf = generated(weights, shift);
      description = String.format(Locale.ROOT, "stream %s: %d windows of %d images; shift from window %d, full strength at window %d;"
          + " reference %d windows of unshifted images", shift, windows, windowSize, shiftStart, shiftEnd, referenceWindows);
    }
    if (finetuneLabels < 0) throw new IllegalArgumentException("--finetune-labels: expected >= 0, found " + finetuneLabels);
    DriftExperiment.FineTune fineTune = finetuneLabels == 0 ? null
        : new DriftExperiment.FineTune(finetuneLabels, new SupervisedTraining(finetuneEpochs, Math.min(BATCH, finetuneLabels), finetuneLr));
    DriftExperiment.Settings settings = new DriftExperiment.Settings(adaptWindows, DriftDetector.Rule.DEFAULT, BATCH, fineTune);
    Files.createDirectories(out);
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "# xfer drift: %s, %s%n%nModel %s (%s); %s; AdaBN on the last %d windows after detection%s.%n",
        model.getFileName(), stream, model, weights.classNames(), description, adaptWindows,
        fineTune == null ? "" : String.format(Locale.ROOT, ", then fine-tuning on their %d newest labelled images (%d epochs, Adam lr %s)",
            finetuneLabels, finetuneEpochs, finetuneLr)));
    DriftReport.run(weights, streamOf, settings, seeds, last, folders ? null : shiftStart, md, out,
        (r, seed, png) -> DriftChart.write(r, folders ? -1 : shiftStart, "xfer drift: " + stream + ", seed " + seed, png));
    return 0;
  }

  /** A generated stream from Fashion-MNIST's test file, per seed (stream order, reference and noise). */
  private LongFunction<WindowStream> generated(LoadedModel weights, ImageShift shift) throws Exception {
    int[] labels;
    try {
      labels = FashionMnist.labelsOf(weights.classNames());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--model " + model + ": expected a classifier over Fashion-MNIST classes, found " + weights.classNames());
    }
    GrayImages test = FashionMnist.read(FashionMnist.parseLocation(data), FashionMnist.Part.TEST).select(labels);
    return ShiftedStream.perSeed(test, shift, new ShiftedStream.Ramp(windows, windowSize, shiftStart, shiftEnd), referenceWindows,
        weights.classNames(), weights.preprocessing().imageSize(), weights.preprocessing().normalization());
  }
}
