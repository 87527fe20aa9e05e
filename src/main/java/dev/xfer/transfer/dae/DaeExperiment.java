package dev.xfer.transfer.dae;

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
import dev.xfer.util.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code xfer pretrain-dae}'s seeds: per seed, denoising-autoencoder pretraining of an Xception encoder on
 * unlabelled images (Fashion-MNIST or an image folder), the encoder written as an xfer model file, and with
 * {@code compareLabels > 0} the few-label comparison against the same network from scratch; then the
 * mean ± sd table over seeds. Every component is the option of the same name.
 */
public record DaeExperiment(String data, List<String> classes, int perClass, Path out, double width, int middleBlocks,
    int imageSize, int epochs, int batchSize, double lr, double mask, int maskGrid, double noise, List<Long> seeds,
    int compareLabels, List<String> compareClasses, int compareTestPerClass, int compareEpochs, double compareLr,
    int compareBatchSize) {

  /** Runs every seed, printing as it goes. */
  public void run() throws Exception {
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
