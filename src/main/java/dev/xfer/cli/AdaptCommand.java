package dev.xfer.cli;

import dev.xfer.data.BadImagePolicy;
import dev.xfer.data.ClassFolders;
import dev.xfer.data.DataReport;
import dev.xfer.data.Dataset;
import dev.xfer.data.FashionMnist;
import dev.xfer.data.FolderData;
import dev.xfer.data.GrayImageData;
import dev.xfer.data.GrayImages;
import dev.xfer.data.GraySubsets;
import dev.xfer.data.ImageShift;
import dev.xfer.data.LoaderConfig;
import dev.xfer.data.Sample;
import dev.xfer.data.TargetSplit;
import dev.xfer.data.stream.WindowStream;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelFile;
import dev.xfer.model.ModelLoader;
import dev.xfer.transfer.SeedSummary;
import dev.xfer.transfer.SupervisedTraining;
import dev.xfer.transfer.adaptation.DomainAdaptation;
import dev.xfer.util.ComputeThreads;
import dev.xfer.util.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xfer adapt}: cross-domain adaptation of a trained classifier (AdaBN, then optionally a few labels). */
@Command(name = "adapt", mixinStandardHelpOptions = true,
    description = {"Cross-domain transfer: the same classes, a shifted input distribution. Reports the model's target test accuracy unadapted, after AdaBN (BatchNorm statistics re-estimated on unlabelled target images; no weight changes) and, with --labels-per-class K, after AdaBN plus fine-tuning every layer on K labelled target images per class; source test accuracy too when a source test set is known. --seeds repeats with other target subsets and shuffles (the model is the same) and prints mean ± standard deviation.",
        "Two kinds of target:",
        "  fashion-mnist:DIR  Fashion-MNIST's idx folder transformed by --shift; AdaBN and labelled images come from the training file (--adapt-per-class, default 100; K), test images from the test file (--test-per-class, default 200, the same for every seed); source accuracy on the unshifted test images.",
        "  DIR  an image folder of the target domain with one sub-folder per class, named as the model's classes (all of them, no others). Per class, a test part is chosen with --split-seed (default: half the images, rounded down; the same for every seed), then with each seed K labelled images and, from the rest, the images for AdaBN (default: all the rest; labels unused). The parts are disjoint. Source accuracy only with --source DIR (all its images). An undecodable image aborts the run."})
final class AdaptCommand implements Callable<Integer> {
  private static final int EVAL_BATCH = 50;

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "xfer model file with a classifier (e.g. from xfer pretrain or xfer train).")
  Path model;

  @Option(names = "--target", required = true, paramLabel = "DIR|fashion-mnist:DIR",
      description = "The target domain: an image folder with one sub-folder per model class, or fashion-mnist:DIR (e.g. fashion-mnist:/usr/share/datasets/fashion-mnist) transformed by --shift.")
  String target;

  @Option(names = "--source", paramLabel = "DIR", description = "Folder targets only: an image folder of the source domain (sub-folders as the model's classes); all its images are the source test set. Without it, source accuracy is not reported for folder targets.")
  Path source;

  @Option(names = "--shift", paramLabel = "KIND:STRENGTH",
      description = "fashion-mnist targets only: the domain shift: rotate:DEGREES, brightness:FRACTION, invert:FRACTION, noise:SIGMA, blur:SIGMA_PX, none (default: invert:1).")
  String shift;

  @Option(names = "--labels-per-class", defaultValue = "0", paramLabel = "K", description = "Labelled target images per class for fine-tuning after AdaBN; 0 = AdaBN only (default: ${DEFAULT-VALUE}).")
  int labelsPerClass;

  @Option(names = "--adapt-per-class", paramLabel = "N", description = "Unlabelled target images per class for AdaBN (default: 100 for fashion-mnist, all images left after test and labelled for a folder).")
  Integer adaptPerClass;

  @Option(names = "--test-per-class", paramLabel = "N", description = "Test images per class, the same for every seed (default: 200 for fashion-mnist, half of each class for a folder).")
  Integer testPerClass;

  @Option(names = "--split-seed", defaultValue = "0", description = "Folder targets: seed of the test part's choice (default: ${DEFAULT-VALUE}).")
  long splitSeed;

  @Option(names = "--epochs", defaultValue = "10", description = "Fine-tuning epochs over the labelled target images (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--lr", defaultValue = "0.0003", description = "Adam learning rate of the fine-tuning (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--batch-size", defaultValue = "10", description = "Fine-tuning batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seeds", defaultValue = "1", split = ",", description = "Seeds (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--report", paramLabel = "FILE.md", description = "Also write the results table (markdown) here.")
  Path report;

  @Option(names = "--out", paramLabel = "MODEL", description = "Write the first seed's adapted model (after AdaBN and, with K labels, the fine-tuning) as an xfer model file. With --shift none this recalibrates a model's BatchNorm statistics on its own domain.")
  Path out;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    LoadedModel weights = ModelLoader.load(model, ModelLoader.Format.AUTO, null, null);
    if (weights.classNames().isEmpty()) throw new IllegalArgumentException("--model " + model + ": expected a classifier with class names, found none");
    LongFunction<DomainAdaptation.Data> dataOf = target.startsWith("fashion-mnist:") ? fashionMnist(weights) : folder(weights);
    List<String> names = weights.classNames();
    SupervisedTraining fineTune = new SupervisedTraining(epochs, batchSize, lr);
    List<DomainAdaptation.Result> results = new ArrayList<>();
    StringBuilder table = new StringBuilder("| seed | source, unadapted | target, unadapted | target, AdaBN | source, after AdaBN | target, AdaBN + "
        + labelsPerClass + " labels/class |\n|---|---|---|---|---|---|\n");
    for (long seed : seeds) {
      torch.manual_seed(seed);
      DomainAdaptation.Data data = dataOf.apply(seed);
      DomainAdaptation.Result r;
      try {
        r = DomainAdaptation.run(weights, data, fineTune, EVAL_BATCH);
      } finally {
        for (Dataset d : new Dataset[] {data.sourceTest(), data.targetTest(), data.targetUnlabelled(), data.targetLabelled()}) {
          if (d != null) d.close();
        }
      }
      results.add(r);
      if (out != null && seed == seeds.get(0)) {
        ModelFile.save(out, r.adapted(), weights.preprocessing(), names);
        System.out.println("wrote " + out);
      }
      String row = String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |%n", seed, figure(r.sourceBefore()), figure(r.targetBefore()),
          figure(r.targetAdaBn()), figure(r.sourceAdaBn()), figure(r.fineTuned()));
      System.out.print(row);
      table.append(row);
    }
    table.append(String.format(Locale.ROOT, "| mean ± sd | %s | %s | %s | %s | %s |%n",
        summary(results, DomainAdaptation.Result::sourceBefore), summary(results, DomainAdaptation.Result::targetBefore),
        summary(results, DomainAdaptation.Result::targetAdaBn), summary(results, DomainAdaptation.Result::sourceAdaBn),
        summary(results, DomainAdaptation.Result::fineTuned)));
    table.append(String.format(Locale.ROOT, "%nMachine: %s, LibTorch %d threads; %s.%n", Machine.describe(), torch.get_num_threads(), Instant.now()));
    System.out.print("\n" + table);
    if (report != null) Files.writeString(report, table.toString());
    return 0;
  }

  /** Fashion-MNIST after --shift: the data of each seed. */
  private LongFunction<DomainAdaptation.Data> fashionMnist(LoadedModel weights) throws Exception {
    if (source != null) throw new IllegalArgumentException("--source: for fashion-mnist targets the source test set is Fashion-MNIST's test file; --source is for folder targets");
    ImageShift domainShift = ImageShift.parse(shift == null ? "invert:1" : shift);
    int adapt = adaptPerClass == null ? 100 : adaptPerClass;
    int testCount = testPerClass == null ? 200 : testPerClass;
    int[] labels;
    try {
      labels = FashionMnist.labelsOf(weights.classNames());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--model " + model + ": its classes " + weights.classNames() + " are not Fashion-MNIST classes");
    }
    List<String> names = weights.classNames();
    int k = labels.length;
    int size = weights.preprocessing().imageSize();
    var norm = weights.preprocessing().normalization();
    Path dir = FashionMnist.parseLocation(target);
    GrayImages trainFile = FashionMnist.read(dir, FashionMnist.Part.TRAIN).select(labels);
    GrayImages sourceTest = GraySubsets.perClass(FashionMnist.read(dir, FashionMnist.Part.TEST).select(labels), k, testCount, 0);
    System.out.printf(Locale.ROOT, "adapt: %s (%s), shift %s; test %d images per domain, AdaBN on %d unlabelled target images%s%n",
        model, names, domainShift, sourceTest.count(), adapt * k,
        labelsPerClass > 0 ? ", then fine-tuning on " + labelsPerClass * k + " labelled target images" : "");
    return seed -> {
      GrayImages targetTest = domainShift.apply(sourceTest, 1, seed);
      GrayImages unlabelled = domainShift.apply(GraySubsets.perClass(trainFile, k, adapt, seed), 1, seed + 7);
      GrayImages labelled = labelsPerClass > 0 ? domainShift.apply(GraySubsets.perClass(trainFile, k, labelsPerClass, seed + 1000), 1, seed + 8) : null;
      return new DomainAdaptation.Data(new GrayImageData(names, sourceTest, size, norm, seed),
          new GrayImageData(names, targetTest, size, norm, seed), new GrayImageData(names, unlabelled, size, norm, seed),
          labelled == null ? null : new GrayImageData(names, labelled, size, norm, seed));
    };
  }

  /** An image folder of the target domain, split per seed (see {@link TargetSplit}). */
  private LongFunction<DomainAdaptation.Data> folder(LoadedModel weights) throws Exception {
    if (shift != null) throw new IllegalArgumentException("--shift applies to fashion-mnist:DIR targets; a folder target is used as it is");
    List<String> names = weights.classNames();
    Path dir = Path.of(target);
    DataReport scan = new DataReport();
    List<Sample> samples = ClassFolders.read(dir, names, true, scan);
    List<Sample> sourceTest = source == null ? null : ClassFolders.read(source, names, false, scan);
    if (!scan.badImages().isEmpty() || !scan.notImages().isEmpty()) System.out.println("adapt: " + scan.summary() + " while scanning");
    TargetSplit.Sizes sizes = new TargetSplit.Sizes(testPerClass, labelsPerClass, adaptPerClass);
    TargetSplit first = TargetSplit.of(samples, names, sizes, splitSeed, seeds.get(0));
    System.out.printf(Locale.ROOT, "adapt: %s (%s), target folder %s (%d images): test %d, AdaBN on %d unlabelled%s; source %s%n",
        model, names, dir, samples.size(), first.test().size(), first.unlabelled().size(),
        labelsPerClass > 0 ? ", fine-tuning on " + first.labelled().size() + " labelled" : "",
        source == null ? "not given (no source accuracy)" : source + " (" + sourceTest.size() + " images)");
    LoaderConfig eval = LoaderConfig.defaults(weights.preprocessing().imageSize()).withNormalization(weights.preprocessing().normalization())
        .withJpegIdct(weights.preprocessing().jpegIdct())
        .withBatchSize(EVAL_BATCH).withShuffleBuffer(0).withOnBadImage(BadImagePolicy.FAIL);
    return seed -> {
      TargetSplit split = TargetSplit.of(samples, names, sizes, splitSeed, seed);
      DataReport report = new DataReport();
      return new DomainAdaptation.Data(sourceTest == null ? null : new FolderData(names, sourceTest, eval, report),
          new FolderData(names, split.test(), eval, report), new FolderData(names, split.unlabelled(), eval, report),
          split.labelled().isEmpty() ? null
              : new FolderData(names, split.labelled(), eval.withBatchSize(batchSize).withShuffleBuffer(1000).withSeed(seed), report));
    };
  }

  private static String figure(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String summary(List<DomainAdaptation.Result> results, ToDoubleFunction<DomainAdaptation.Result> f) {
    List<Double> values = results.stream().map(f::applyAsDouble).toList();
    return values.stream().anyMatch(v -> Double.isNaN(v)) ? "-" : SeedSummary.of(values).toString();
  }
}
