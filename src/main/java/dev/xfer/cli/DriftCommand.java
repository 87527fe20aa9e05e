package dev.xfer.cli;

import dev.xfer.data.FashionMnist;
import dev.xfer.data.GrayImages;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelLoader;
import dev.xfer.report.DriftChart;
import dev.xfer.report.Machine;
import dev.xfer.transfer.DriftDetector;
import dev.xfer.transfer.DriftExperiment;
import dev.xfer.transfer.GraySubsets;
import dev.xfer.transfer.ImageShift;
import dev.xfer.transfer.SeedSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xfer drift}: a model over a gradually shifting stream, drift detection and BN adaptation. */
@Command(name = "drift", mixinStandardHelpOptions = true,
    description = "Performance drift: runs a model over a stream of windows of Fashion-MNIST test images whose distribution shifts gradually (--stream KIND:MAX reaches full strength linearly from --shift-start to --shift-end; none = no shift). Per window: accuracy, mean confidence and the unbiased MMD² (Gaussian kernel, median-heuristic bandwidth) of the frozen model's pooled features against a reference of 2 windows of unshifted held-out images. Rule: drift is declared at the second consecutive window whose MMD² exceeds the largest MMD² between random halves of the reference (100 splits). After that, an adapted copy re-estimates its BatchNorm statistics on the previous --adapt-windows windows before each window. Writes OUT/windows.md (table per seed and summary) and OUT/drift.png (first seed).")
final class DriftCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "xfer model file with a classifier over Fashion-MNIST class names.")
  Path model;

  @Option(names = "--data", defaultValue = "fashion-mnist:/usr/share/datasets/fashion-mnist", paramLabel = "fashion-mnist:DIR",
      description = "Fashion-MNIST's idx folder; the stream and reference come from its test file (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--stream", required = true, paramLabel = "KIND:MAX|none",
      description = "The shift that grows over the stream: rotate:DEGREES, brightness:FRACTION, invert:FRACTION, noise:SIGMA, blur:SIGMA_PX, or none.")
  String stream;

  @Option(names = "--windows", defaultValue = "20", description = "Windows in the stream (default: ${DEFAULT-VALUE}).")
  int windows;

  @Option(names = "--window-size", defaultValue = "150", description = "Images per window (default: ${DEFAULT-VALUE}).")
  int windowSize;

  @Option(names = "--shift-start", defaultValue = "5", description = "First window with a shift (default: ${DEFAULT-VALUE}).")
  int shiftStart;

  @Option(names = "--shift-end", defaultValue = "14", description = "First window at full strength (default: ${DEFAULT-VALUE}).")
  int shiftEnd;

  @Option(names = "--adapt-windows", defaultValue = "2", description = "Recent windows whose images re-estimate BatchNorm (default: ${DEFAULT-VALUE}).")
  int adaptWindows;

  @Option(names = "--last", defaultValue = "5", description = "Windows at the end over which accuracies are compared (default: ${DEFAULT-VALUE}).")
  int last;

  @Option(names = "--seeds", defaultValue = "1", split = ",", description = "Seeds: stream order, reference, noise (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created).")
  Path out;

  @Option(names = "--threads", description = "LibTorch intra-op threads (default: LibTorch's choice).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    if (threads != null) torch.set_num_threads(threads);
    ImageShift shift = ImageShift.parse(stream);
    LoadedModel weights = ModelLoader.load(model, ModelLoader.Format.AUTO, null, null);
    int[] labels;
    try {
      labels = FashionMnist.labelsOf(weights.classNames());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--model " + model + ": expected a classifier over Fashion-MNIST classes, found " + weights.classNames());
    }
    GrayImages test = FashionMnist.read(FashionMnist.parseLocation(data), FashionMnist.Part.TEST).select(labels);
    int needed = (windows + 2) * windowSize;
    if (needed > test.count()) {
      throw new IllegalArgumentException("--windows " + windows + " x --window-size " + windowSize + " plus a reference of 2 windows need "
          + needed + " test images of " + weights.classNames() + "; the test file has " + test.count());
    }
    DriftExperiment.Settings settings = new DriftExperiment.Settings(windows, windowSize, shiftStart, shiftEnd, adaptWindows,
        DriftDetector.Rule.DEFAULT, 50);
    Files.createDirectories(out);
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "# xfer drift: %s, stream %s%n%nModel %s (%s); %d windows of %d images; shift from window %d,"
        + " full strength at window %d; AdaBN on the last %d windows after detection.%n", model.getFileName(), shift, model,
        weights.classNames(), windows, windowSize, shiftStart, shiftEnd, adaptWindows));
    List<Double> frozenLast = new ArrayList<>();
    List<Double> adaptedLast = new ArrayList<>();
    List<String> detections = new ArrayList<>();
    for (long seed : seeds) {
      GrayImages order = GraySubsets.shuffled(test, seed);
      GrayImages streamImages = GraySubsets.range(order, 0, windows * windowSize);
      GrayImages reference = GraySubsets.range(order, windows * windowSize, needed);
      DriftExperiment.Result r = DriftExperiment.run(weights, weights.classNames(), streamImages, reference, shift, settings, seed);
      md.append(String.format(Locale.ROOT, "%n## seed %d (threshold %.5f)%n%n| window | strength | MMD² | drift | frozen acc | adapted acc | frozen conf | adapted conf |%n|---|---|---|---|---|---|---|---|%n",
          seed, r.threshold()));
      for (DriftExperiment.Window w : r.windows()) {
        String row = String.format(Locale.ROOT, "| %d | %.2f | %.5f | %s | %.4f | %.4f%s | %.3f | %.3f |%n", w.index(), w.strength(),
            w.statistic(), w.driftDeclared() ? "yes" : "", w.frozenAccuracy(), w.adaptedAccuracy(), w.adapted() ? "" : " (= frozen)",
            w.frozenConfidence(), w.adaptedConfidence());
        md.append(row);
        System.out.printf("seed %d %s", seed, row);
      }
      frozenLast.add(r.lastAccuracy(last, false));
      adaptedLast.add(r.lastAccuracy(last, true));
      detections.add(r.firedAt() < 0 ? "never" : r.firedAt() + " (" + (r.firedAt() - shiftStart) + " after the shift starts)");
      if (seed == seeds.get(0)) {
        DriftChart.write(r, shiftStart, "xfer drift: " + shift + ", seed " + seed, out.resolve("drift.png"));
      }
    }
    md.append(String.format(Locale.ROOT, "%n## summary%n%n| seeds | drift declared at window | frozen acc, last %d windows | adapted acc, last %d windows |%n|---|---|---|---|%n| %s | %s | %s | %s |%n",
        last, last, seeds, String.join("; ", detections), SeedSummary.of(frozenLast), SeedSummary.of(adaptedLast)));
    md.append(String.format(Locale.ROOT, "%nMachine: %s, LibTorch %d threads; %s.%n", Machine.describe(), torch.get_num_threads(), Instant.now()));
    Files.writeString(out.resolve("windows.md"), md.toString());
    System.out.printf(Locale.ROOT, "drift declared at: %s%nlast %d windows: frozen %s, adapted %s (mean ± sd over seeds %s)%nwrote %s and %s%n",
        detections, last, SeedSummary.of(frozenLast), SeedSummary.of(adaptedLast), seeds, out.resolve("windows.md"), out.resolve("drift.png"));
    return 0;
  }
}
