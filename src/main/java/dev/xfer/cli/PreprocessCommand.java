package dev.xfer.cli;

import dev.xfer.data.BadImagePolicy;
import dev.xfer.data.DataReport;
import dev.xfer.data.ExampleOrder;
import dev.xfer.data.ImageFolder;
import dev.xfer.data.InvalidDataFolderException;
import dev.xfer.data.LoaderConfig;
import dev.xfer.data.Sample;
import dev.xfer.data.Split;
import dev.xfer.data.TensorExport;
import dev.xfer.kernels.JpegIdct;
import dev.xfer.kernels.Normalization;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code xfer preprocess}: the exact input tensor the model would see, as .npy, for cross-framework checks. */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
    description = {
      "Decode, resize (TF bilinear, half-pixel, no antialias) and normalise images exactly as training does, and "
          + "write the float32 (N, 3, S, S) tensor as X.npy (NumPy 1.0, little-endian, C order). For a data folder "
          + "also write X.labels.npy (int64, '<i8') and, always, X.files.txt (one path per line, in tensor order).",
      "A folder is read in tfds order (md5 of \"train\" + \"<class>/<file>\"), then sliced by --split; no shuffling, "
          + "no augmentation. Exit codes: 0 written, 1 failed (e.g. a bad image with --on-bad-image=fail), 2 bad usage."
    })
public final class PreprocessCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  static final class Inputs {
    @Option(names = "--data", paramLabel = "DIR", description = "Data folder: DIR/<class>/<image>.")
    Path data;

    @Parameters(paramLabel = "IMAGES", arity = "1..*", description = "Image files (JPEG, PNG, BMP, TIFF, WebP), in output order.")
    List<Path> images;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Inputs inputs;

  @Option(names = "--image-size", required = true, paramLabel = "N", description = "Resize to N x N (Xception: 299).")
  int imageSize;

  @Option(names = "--out", required = true, paramLabel = "X.npy", description = "Output tensor file.")
  Path out;

  @Option(names = "--split", paramLabel = "SPEC", description = "tfds split of the folder, e.g. train[:10%%], train[10%%:25%%], train[25%%:] (default: train, everything).")
  String split;

  @Option(names = "--stratified", description = "Apply the split's percentages within each class (keeps class proportions).")
  boolean stratified;

  @Option(names = "--order-seed", paramLabel = "SEED", description = "Use the seeded order md5(\"seed:SEED:\" + key) instead of tfds' order.")
  Long orderSeed;

  @Option(names = "--classes", split = ",", paramLabel = "NAME", description = "Explicit class order for the labels (default: sorted folder names).")
  List<String> classes;

  @Option(names = "--normalization", defaultValue = "keras-xception", paramLabel = "NAME",
      description = "keras-xception (x / 127.5 - 1, default) or imagenet ((x / 255 - mean) / std).")
  String normalization;

  @Option(names = "--on-bad-image", defaultValue = "skip", paramLabel = "skip|fail",
      description = "Skip an undecodable file (reported once, counted) or stop with its path (default: ${DEFAULT-VALUE}).")
  String onBadImage;

  @Option(names = "--exif", description = "Apply EXIF orientation (default: ignored, as tfds and Keras do).")
  boolean exif;

  @Option(names = "--jpeg-idct", paramLabel = "fast|accurate",
      description = "JPEG inverse DCT: fast (TensorFlow's default decode_jpeg, as tfds and Keras decode) or accurate"
          + " (PIL, OpenCV). Default: fast with keras-xception normalisation, accurate with imagenet.")
  String jpegIdct;

  @Mixin DecodeThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    LoaderConfig config = config();
    PrintWriter err = spec.commandLine().getErr();
    DataReport report = new DataReport(issue -> {
      synchronized (err) {
        err.println("skipping " + issue);
        err.flush();
      }
    });
    boolean folder = inputs.data != null;
    List<Sample> samples = folder ? folderSamples(report) : imageSamples();
    long start = System.nanoTime();
    TensorExport export = TensorExport.of(out);
    long written = export.write(samples, config, report, folder);
    Path labelsPath = export.labels();
    Path filesPath = export.files();
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf("wrote %s: float32 (%d, 3, %d, %d)%s, %s in %.2f s; %s%n", out, written, imageSize, imageSize,
        folder ? ", " + labelsPath + ": int64 (" + written + ")" : "", filesPath,
        (System.nanoTime() - start) / 1e9, report.summary());
    stdout.flush();
    return 0;
  }

  private LoaderConfig config() {
    if (imageSize < 1 || imageSize > ImageSizes.MAX) {
      throw usage("--image-size: expected 1 to " + ImageSizes.MAX + ", found " + imageSize);
    }
    if (threads.count != null && threads.count < 1) throw usage("--threads: expected at least 1, found " + threads.count);
    if (inputs.data == null && (split != null || stratified || orderSeed != null || classes != null)) {
      throw usage("--split, --stratified, --order-seed and --classes apply to --data only");
    }
    Normalization norm = switch (normalization) {
      case "keras-xception" -> Normalization.KERAS_XCEPTION;
      case "imagenet" -> Normalization.IMAGENET;
      default -> throw usage("--normalization: expected keras-xception or imagenet, found '" + normalization + "'");
    };
    JpegIdct idct;
    try {
      idct = jpegIdct == null ? JpegIdct.defaultFor(norm) : JpegIdct.parse(jpegIdct);
    } catch (IllegalArgumentException e) {
      throw usage("--jpeg-idct: expected fast or accurate, found '" + jpegIdct + "'");
    }
    BadImagePolicy policy;
    try {
      policy = BadImagePolicy.parse(onBadImage);
    } catch (IllegalArgumentException e) {
      throw usage("--on-bad-image: expected skip or fail, found '" + onBadImage + "'");
    }
    LoaderConfig c = LoaderConfig.defaults(imageSize).withShuffleBuffer(0).withCacheBudgetBytes(0)
        .withNormalization(norm).withJpegIdct(idct).withOnBadImage(policy).withExifOrientation(exif);
    return threads.count == null ? c : c.withDecodeThreads(threads.count);
  }

  private List<Sample> folderSamples(DataReport report) throws Exception {
    Split s;
    try {
      s = split == null ? Split.ALL : Split.parse(split);
    } catch (IllegalArgumentException e) {
      throw usage("--split: " + e.getMessage());
    }
    ImageFolder folder;
    try {
      folder = ImageFolder.scan(inputs.data, classes, report);
    } catch (InvalidDataFolderException e) {
      throw usage("--data: " + e.getMessage());
    }
    ExampleOrder order = orderSeed == null ? ExampleOrder.tfds() : ExampleOrder.seeded(orderSeed);
    List<Sample> selected;
    try {
      selected = s.select(folder.samples(), order, stratified);
    } catch (IllegalArgumentException e) {
      throw usage("--split: " + e.getMessage());
    }
    if (selected.isEmpty()) throw usage("--split: " + s + " selects no images of the " + folder.samples().size());
    return selected;
  }

  private List<Sample> imageSamples() {
    List<Sample> out = new ArrayList<>();
    for (Path p : inputs.images) out.add(new Sample(p, -1, p.toString()));
    return out;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
