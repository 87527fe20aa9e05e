package dev.xfer.cli;

import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelLoader;
import dev.xfer.transfer.SupervisedTraining;
import dev.xfer.transfer.adaptation.AdaptationExperiment;
import dev.xfer.transfer.adaptation.AdaptationTarget;
import dev.xfer.util.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
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
    AdaptationTarget adaptationTarget = new AdaptationTarget(model, target, source, shift, labelsPerClass, adaptPerClass,
        testPerClass, splitSeed, batchSize, seeds.get(0), EVAL_BATCH);
    String table = AdaptationExperiment.run(weights, adaptationTarget.data(weights), new SupervisedTraining(epochs, batchSize, lr),
        seeds, labelsPerClass, EVAL_BATCH, out);
    System.out.print("\n" + table);
    if (report != null) AtomicFiles.writeString(report, table);
    return 0;
  }
}
