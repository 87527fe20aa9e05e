package dev.xfer.cli;

import dev.xfer.data.FashionMnist;
import dev.xfer.data.GrayImages;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelFile;
import dev.xfer.model.ModelLoader;
import dev.xfer.report.Machine;
import dev.xfer.train.GrayImageData;
import dev.xfer.transfer.DomainAdaptation;
import dev.xfer.transfer.GraySubsets;
import dev.xfer.transfer.ImageShift;
import dev.xfer.transfer.SeedSummary;
import dev.xfer.transfer.SupervisedTraining;
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

/** {@code xfer adapt}: cross-domain adaptation of a trained classifier (AdaBN, then optionally a few labels). */
@Command(name = "adapt", mixinStandardHelpOptions = true,
    description = "Cross-domain transfer: the same classes, a shifted input distribution. The target domain is Fashion-MNIST transformed by --shift (e.g. invert:1, rotate:45). Reports the model's source and target test accuracy unadapted, after AdaBN (BatchNorm statistics re-estimated on unlabelled target images; no weight changes) and, with --labels-per-class K, after AdaBN plus fine-tuning every layer on K labelled target images per class. --seeds repeats with other target subsets, noise and shuffles (the model is the same) and prints mean ± standard deviation.")
final class AdaptCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "xfer model file with a classifier over Fashion-MNIST class names (e.g. from xfer pretrain).")
  Path model;

  @Option(names = "--target", required = true, paramLabel = "fashion-mnist:DIR",
      description = "Fashion-MNIST's idx folder (e.g. fashion-mnist:/usr/share/datasets/fashion-mnist); the target domain is it after --shift.")
  String target;

  @Option(names = "--shift", defaultValue = "invert:1", paramLabel = "KIND:STRENGTH",
      description = "The domain shift: rotate:DEGREES, brightness:FRACTION, invert:FRACTION, noise:SIGMA, blur:SIGMA_PX (default: ${DEFAULT-VALUE}).")
  String shift;

  @Option(names = "--labels-per-class", defaultValue = "0", paramLabel = "K", description = "Labelled target images per class for fine-tuning after AdaBN; 0 = AdaBN only (default: ${DEFAULT-VALUE}).")
  int labelsPerClass;

  @Option(names = "--adapt-per-class", defaultValue = "100", description = "Unlabelled target images per class for AdaBN (from the training file) (default: ${DEFAULT-VALUE}).")
  int adaptPerClass;

  @Option(names = "--test-per-class", defaultValue = "200", description = "Test images per class (the same subset of the test file for every seed) (default: ${DEFAULT-VALUE}).")
  int testPerClass;

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

  @Option(names = "--threads", description = "LibTorch intra-op threads (default: LibTorch's choice).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    if (threads != null) torch.set_num_threads(threads);
    ImageShift domainShift = ImageShift.parse(shift);
    LoadedModel weights = ModelLoader.load(model, ModelLoader.Format.AUTO, null, null);
    if (weights.classNames().isEmpty()) throw new IllegalArgumentException("--model " + model + ": expected a classifier with class names, found none");
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
    GrayImages sourceTest = GraySubsets.perClass(FashionMnist.read(dir, FashionMnist.Part.TEST).select(labels), k, testPerClass, 0);
    System.out.printf(Locale.ROOT, "adapt: %s (%s), shift %s; test %d images per domain, AdaBN on %d unlabelled target images%s%n",
        model, names, domainShift, sourceTest.count(), adaptPerClass * k,
        labelsPerClass > 0 ? ", then fine-tuning on " + labelsPerClass * k + " labelled target images" : "");
    SupervisedTraining fineTune = new SupervisedTraining(epochs, batchSize, lr);
    List<DomainAdaptation.Result> results = new ArrayList<>();
    StringBuilder table = new StringBuilder("| seed | source, unadapted | target, unadapted | target, AdaBN | source, after AdaBN | target, AdaBN + "
        + labelsPerClass + " labels/class |\n|---|---|---|---|---|---|\n");
    for (long seed : seeds) {
      torch.manual_seed(seed);
      GrayImages targetTest = domainShift.apply(sourceTest, 1, seed);
      GrayImages unlabelled = domainShift.apply(GraySubsets.perClass(trainFile, k, adaptPerClass, seed), 1, seed + 7);
      GrayImages labelled = labelsPerClass > 0 ? domainShift.apply(GraySubsets.perClass(trainFile, k, labelsPerClass, seed + 1000), 1, seed + 8) : null;
      DomainAdaptation.Data data = new DomainAdaptation.Data(new GrayImageData(names, sourceTest, size, norm, seed),
          new GrayImageData(names, targetTest, size, norm, seed), new GrayImageData(names, unlabelled, size, norm, seed),
          labelled == null ? null : new GrayImageData(names, labelled, size, norm, seed));
      DomainAdaptation.Result r = DomainAdaptation.run(weights, data, fineTune, 50);
      results.add(r);
      if (out != null && seed == seeds.get(0)) {
        ModelFile.save(out, r.adapted(), weights.preprocessing(), names);
        System.out.println("wrote " + out);
      }
      String row = String.format(Locale.ROOT, "| %d | %.4f | %.4f | %.4f | %.4f | %s |%n", seed, r.sourceBefore(), r.targetBefore(),
          r.targetAdaBn(), r.sourceAdaBn(), Double.isNaN(r.fineTuned()) ? "-" : String.format(Locale.ROOT, "%.4f", r.fineTuned()));
      System.out.print(row);
      table.append(row);
    }
    table.append(String.format(Locale.ROOT, "| mean ± sd | %s | %s | %s | %s | %s |%n",
        summary(results, DomainAdaptation.Result::sourceBefore), summary(results, DomainAdaptation.Result::targetBefore),
        summary(results, DomainAdaptation.Result::targetAdaBn), summary(results, DomainAdaptation.Result::sourceAdaBn),
        labelsPerClass > 0 ? summary(results, DomainAdaptation.Result::fineTuned) : "-"));
    table.append(String.format(Locale.ROOT, "%nMachine: %s, LibTorch %d threads; %s.%n", Machine.describe(), torch.get_num_threads(), Instant.now()));
    System.out.print("\n" + table);
    if (report != null) Files.writeString(report, table.toString());
    return 0;
  }

  private static SeedSummary summary(List<DomainAdaptation.Result> results, java.util.function.ToDoubleFunction<DomainAdaptation.Result> f) {
    return SeedSummary.of(results.stream().map(r -> f.applyAsDouble(r)).toList());
  }
}
