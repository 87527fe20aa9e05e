package dev.xfer.cli;

import dev.xfer.transfer.dae.DaeExperiment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
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
    new DaeExperiment(data, classes, perClass, out, width, middleBlocks, imageSize, epochs, batchSize, lr, mask, maskGrid, noise,
        seeds, compareLabels, compareClasses, compareTestPerClass, compareEpochs, compareLr, compareBatchSize).run();
    return 0;
  }
}
