package dev.xfer.cli;

import dev.xfer.data.DataReport;
import dev.xfer.data.Dataset;
import dev.xfer.data.FashionMnist;
import dev.xfer.data.FolderData;
import dev.xfer.data.GrayImageData;
import dev.xfer.data.GrayImages;
import dev.xfer.data.GraySubsets;
import dev.xfer.data.ImageFolder;
import dev.xfer.data.LoaderConfig;
import dev.xfer.kernels.Normalization;
import dev.xfer.model.ModelFile;
import dev.xfer.model.Numerics;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.XceptionConfig;
import dev.xfer.transfer.SeedSummary;
import dev.xfer.transfer.SupervisedTraining;
import dev.xfer.transfer.dae.Corruption;
import dev.xfer.transfer.dae.DaePretraining;
import dev.xfer.transfer.dae.DenoisingAutoencoder;
import dev.xfer.transfer.dae.FewLabelComparison;
import dev.xfer.util.ComputeThreads;
import dev.xfer.util.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xfer pretrain-dae}: unsupervised pretraining of an Xception-family encoder as a denoising autoencoder. */
@Command(name = "pretrain-dae", mixinStandardHelpOptions = true,
    description = "Pretrain a compact Xception encoder without labels as a denoising autoencoder: inputs corrupted by patch masking and Gaussian noise, a light upsampling decoder (discarded afterwards) reconstructs the clean image at 32x32, MSE loss, Adam. Writes the encoder (no classifier) as an xfer model file that `xfer train --weights` accepts. With --compare-labels K (Fashion-MNIST only) it then trains the same architecture from scratch and from the encoder on K labelled images per --compare-classes class and prints both test accuracies; --seeds repeats everything per seed and prints mean ± standard deviation.")
final class PretrainDaeCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "fashion-mnist:DIR|DIR",
      description = "Images to pretrain on (labels ignored): Fashion-MNIST's idx folder (e.g. fashion-mnist:/usr/share/datasets/fashion-mnist, from apt-get install dataset-fashion-mnist) or an image folder DIR/<class>/<image>.")
  String data;

  @Option(names = "--classes", split = ",", paramLabel = "NAMES", description = "Fashion-MNIST classes to pretrain on (default: all ten).")
  List<String> classes;

  @Option(names = "--per-class", defaultValue = "500", description = "Fashion-MNIST training images per class, a seeded subset; 0 = all (default: ${DEFAULT-VALUE}).")
  int perClass;

  @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Encoder file (.safetensors); with several --seeds, MODEL-seedN.safetensors.")
  Path out;

  @Option(names = "--width", defaultValue = "0.25", description = "Width multiplier (default: ${DEFAULT-VALUE}).")
  double width;

  @Option(names = "--middle-blocks", defaultValue = "1", description = "Middle-flow blocks (default: ${DEFAULT-VALUE}).")
  int middleBlocks;

  @Option(names = "--image-size", defaultValue = "71", description = "Input size, >= 71 (default: ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(names = "--epochs", defaultValue = "3", description = "DAE epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate of the DAE (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--mask", defaultValue = "0.3", description = "Probability that a mask patch is blanked (default: ${DEFAULT-VALUE}).")
  double mask;

  @Option(names = "--mask-grid", defaultValue = "14", description = "Mask patches per side (default: ${DEFAULT-VALUE}: 2x2 Fashion-MNIST pixels).")
  int maskGrid;

  @Option(names = "--noise", defaultValue = "0.2", description = "Gaussian noise standard deviation in the preprocessed scale [-1, 1] (default: ${DEFAULT-VALUE}).")
  double noise;

  @Option(names = "--seeds", defaultValue = "1", split = ",", description = "Seeds; each runs the whole pretraining (and comparison) (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--compare-labels", defaultValue = "0", paramLabel = "K", description = "Labelled images per class for the scratch-vs-DAE comparison; 0 = no comparison (default: ${DEFAULT-VALUE}).")
  int compareLabels;

  @Option(names = "--compare-classes", defaultValue = "sandal,shirt,sneaker,bag,ankle-boot", split = ",",
      description = "Classes of the comparison (default: the demo's target classes, ${DEFAULT-VALUE}).")
  List<String> compareClasses;

  @Option(names = "--compare-test-per-class", defaultValue = "200", description = "Test images per class (seeded subset of the test file, the same for every seed) (default: ${DEFAULT-VALUE}).")
  int compareTestPerClass;

  @Option(names = "--compare-epochs", defaultValue = "30", description = "Epochs over the labelled images, both arms (default: ${DEFAULT-VALUE}).")
  int compareEpochs;

  @Option(names = "--compare-lr", defaultValue = "0.001", description = "Adam learning rate of both arms (default: ${DEFAULT-VALUE}).")
  double compareLr;

  @Option(names = "--compare-batch-size", defaultValue = "10", description = "Batch size of both arms (default: ${DEFAULT-VALUE}).")
  int compareBatchSize;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    ImageSizes.check(imageSize);
    threads.apply();
    boolean fashion = data.startsWith(FashionMnist.SCHEME);
    if (compareLabels > 0 && !fashion) throw new IllegalArgumentException("--compare-labels: needs --data fashion-mnist:DIR");
    Normalization norm = Normalization.KERAS_XCEPTION;
    XceptionConfig config = new XceptionConfig(width, middleBlocks, 0, Numerics.KERAS);
    DaePretraining pretraining = new DaePretraining(epochs, batchSize, lr, new Corruption(mask, noise, maskGrid));
    GrayImages trainFile = null;
    GrayImages testFile = null;
    if (fashion) {
      Path dir = FashionMnist.parseLocation(data);
      trainFile = FashionMnist.read(dir, FashionMnist.Part.TRAIN);
      testFile = compareLabels > 0 ? FashionMnist.read(dir, FashionMnist.Part.TEST) : null;
    }
    List<Double> scratch = new ArrayList<>();
    List<Double> pretrained = new ArrayList<>();
    for (long seed : seeds) {
      long start = System.nanoTime();
      Dataset images = fashion ? fashionImages(trainFile, norm, seed) : folderImages(norm, seed);
      System.out.printf(Locale.ROOT, "seed %d: DAE on %d images (labels ignored), Xception width %s, %d middle blocks, %d px; "
          + "mask %s (grid %d), noise %s%n", seed, images.size(), width, middleBlocks, imageSize, mask, maskGrid, noise);
      torch.manual_seed(seed);
      DenoisingAutoencoder dae = new DenoisingAutoencoder(config);
      List<Double> losses = new ArrayList<>();
      losses.addAll(pretraining.run(dae, images, e -> {}));
      for (int e = 0; e < losses.size(); e++) System.out.printf(Locale.ROOT, "  epoch %d: reconstruction MSE %.4f%n", e + 1, losses.get(e));
      Path file = seeds.size() == 1 ? out : seeded(out, seed);
      if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
      ModelFile.save(file, dae.encoder(), new Preprocessing(imageSize, norm), List.of());
      System.out.printf(Locale.ROOT, "  wrote encoder %s (%,d bytes) after %.0f s%n", file, Files.size(file), (System.nanoTime() - start) / 1e9);
      if (compareLabels > 0) {
        FewLabelComparison.Result r = compare(dae, trainFile, testFile, norm, seed);
        scratch.add(r.scratch());
        pretrained.add(r.pretrained());
        System.out.printf(Locale.ROOT, "  %d labels per class of %s: test accuracy scratch %.4f, DAE-pretrained %.4f (margin %+.4f)%n",
            compareLabels, compareClasses, r.scratch(), r.pretrained(), r.margin());
      }
    }
    if (compareLabels > 0) printSummary(scratch, pretrained);
    return 0;
  }

  private Dataset fashionImages(GrayImages trainFile, Normalization norm, long seed) {
    int[] labels = classes == null ? java.util.stream.IntStream.range(0, FashionMnist.CLASSES.size()).toArray()
        : FashionMnist.labelsOf(classes);
    List<String> names = Arrays.stream(labels).mapToObj(FashionMnist.CLASSES::get).toList();
    GrayImages picked = GraySubsets.perClass(trainFile.select(labels), labels.length, perClass, seed);
    return new GrayImageData(names, picked, imageSize, norm, seed);
  }

  private Dataset folderImages(Normalization norm, long seed) throws java.io.IOException {
    DataReport report = new DataReport(issue -> System.err.println("skipped " + issue));
    ImageFolder folder = ImageFolder.scan(Path.of(data), report);
    LoaderConfig lc = LoaderConfig.defaults(imageSize).withBatchSize(batchSize).withSeed(seed).withNormalization(norm)
        .withJpegIdct(dev.xfer.kernels.JpegIdct.defaultFor(norm));
    return new FolderData(folder.classes(), folder.samples(), lc, report);
  }

  private FewLabelComparison.Result compare(DenoisingAutoencoder dae, GrayImages trainFile, GrayImages testFile,
      Normalization norm, long seed) {
    int[] labels = FashionMnist.labelsOf(compareClasses);
    List<String> names = Arrays.stream(labels).mapToObj(FashionMnist.CLASSES::get).toList();
    GrayImages labelled = GraySubsets.perClass(trainFile.select(labels), labels.length, compareLabels, seed + 1000);
    GrayImages test = GraySubsets.perClass(testFile.select(labels), labels.length, compareTestPerClass, 0);
    return FewLabelComparison.run(dae.encoder(), new GrayImageData(names, labelled, imageSize, norm, seed),
        new GrayImageData(names, test, imageSize, norm, seed),
        new SupervisedTraining(compareEpochs, compareBatchSize, compareLr), 50, seed);
  }

  private void printSummary(List<Double> scratch, List<Double> pretrained) {
    List<Double> margins = new ArrayList<>();
    for (int i = 0; i < scratch.size(); i++) margins.add(pretrained.get(i) - scratch.get(i));
    System.out.printf(Locale.ROOT, "%n| seeds | scratch | DAE-pretrained | margin |%n|---|---|---|---|%n| %s | %s | %s | %s |%n",
        seeds, SeedSummary.of(scratch), SeedSummary.of(pretrained), SeedSummary.of(margins));
    System.out.printf("(mean ± sample standard deviation over seeds; %s; %s)%n", Machine.describe(), Instant.now());
  }

  static Path seeded(Path file, long seed) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String seededName = dot > 0 ? name.substring(0, dot) + "-seed" + seed + name.substring(dot) : name + "-seed" + seed;
    return file.resolveSibling(seededName);
  }
}
