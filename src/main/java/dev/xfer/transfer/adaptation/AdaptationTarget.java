package dev.xfer.transfer.adaptation;

import dev.xfer.data.BadImagePolicy;
import dev.xfer.data.ClassFolders;
import dev.xfer.data.DataReport;
import dev.xfer.data.FashionMnist;
import dev.xfer.data.FolderData;
import dev.xfer.data.GrayImageData;
import dev.xfer.data.GrayImages;
import dev.xfer.data.GraySubsets;
import dev.xfer.data.ImageShift;
import dev.xfer.data.LoaderConfig;
import dev.xfer.data.Sample;
import dev.xfer.data.TargetSplit;
import dev.xfer.model.LoadedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * The target domain of {@code xfer adapt} as its options describe it, and the data of each seed:
 * {@code fashion-mnist:DIR} transformed by {@code shift}, or an image folder split per seed
 * (see {@link TargetSplit}).
 *
 * @param model the model file (named in messages)
 * @param target an image folder, or fashion-mnist:DIR
 * @param source folder targets: an image folder of the source domain, or null
 * @param shift fashion-mnist targets: the domain shift (null: invert:1)
 * @param labelsPerClass labelled target images per class (0: AdaBN only)
 * @param adaptPerClass unlabelled target images per class (null: the default of the kind)
 * @param testPerClass test images per class (null: the default of the kind)
 * @param splitSeed folder targets: seed of the test part's choice
 * @param batchSize fine-tuning batch size
 * @param firstSeed the first experiment seed (the split it gives is printed)
 * @param evalBatch evaluation batch size
 */
public record AdaptationTarget(Path model, String target, Path source, String shift, int labelsPerClass,
    Integer adaptPerClass, Integer testPerClass, long splitSeed, int batchSize, long firstSeed, int evalBatch) {

  /** The data of each seed for {@code weights}' classes; prints what the target holds. */
  public LongFunction<DomainAdaptation.Data> data(LoadedModel weights) throws Exception {
    return target.startsWith("fashion-mnist:") ? fashionMnist(weights) : folder(weights);
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
    TargetSplit first = TargetSplit.of(samples, names, sizes, splitSeed, firstSeed);
    System.out.printf(Locale.ROOT, "adapt: %s (%s), target folder %s (%d images): test %d, AdaBN on %d unlabelled%s; source %s%n",
        model, names, dir, samples.size(), first.test().size(), first.unlabelled().size(),
        labelsPerClass > 0 ? ", fine-tuning on " + first.labelled().size() + " labelled" : "",
        source == null ? "not given (no source accuracy)" : source + " (" + sourceTest.size() + " images)");
    LoaderConfig eval = LoaderConfig.defaults(weights.preprocessing().imageSize()).withNormalization(weights.preprocessing().normalization())
        .withJpegIdct(weights.preprocessing().jpegIdct())
        .withBatchSize(evalBatch).withShuffleBuffer(0).withOnBadImage(BadImagePolicy.FAIL);
    return seed -> {
      TargetSplit split = TargetSplit.of(samples, names, sizes, splitSeed, seed);
      DataReport report = new DataReport();
      return new DomainAdaptation.Data(sourceTest == null ? null : new FolderData(names, sourceTest, eval, report),
          new FolderData(names, split.test(), eval, report), new FolderData(names, split.unlabelled(), eval, report),
          split.labelled().isEmpty() ? null
              : new FolderData(names, split.labelled(), eval.withBatchSize(batchSize).withShuffleBuffer(1000).withSeed(seed), report));
    };
  }
}
