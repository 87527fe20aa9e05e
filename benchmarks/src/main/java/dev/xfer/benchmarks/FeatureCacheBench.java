package dev.xfer.benchmarks;

import dev.xfer.data.DataReport;
import dev.xfer.data.Dataset;
import dev.xfer.data.ExampleOrder;
import dev.xfer.data.FolderData;
import dev.xfer.data.GeneratedImages;
import dev.xfer.data.ImageFolder;
import dev.xfer.data.LoaderConfig;
import dev.xfer.data.Sample;
import dev.xfer.data.Split;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.Numerics;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.train.EpochRecord;
import dev.xfer.train.FineTuner;
import dev.xfer.train.PhaseConfig;
import dev.xfer.train.ProgressPrinter;
import dev.xfer.util.ComputeThreads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

/**
 * Phase 1 of the recipe (frozen backbone, head trained with Keras SGD, validation every epoch) with
 * the feature cache and without it, same data, same initial weights, one process. Prints
 * both wall times, their ratio and how far the two final heads differ. With several rounds the two
 * variants alternate (ABBA) and the ratio is of the summed times. An untimed one-epoch run of each
 * variant first lets oneDNN and the JIT warm up, so neither timed variant pays for that. Data: generated in-memory images
 * (already preprocessed: the uncached path saves backbone passes only), or {@code data=DIR}, an
 * image folder read through the loader as {@code xfer train} reads it (the uncached path also
 * resizes and normalises every image every epoch; decoded images stay cached in memory).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.xfer.benchmarks.FeatureCacheBench [train=128 valid=32 size=96
 *     width=0.5 middle=4 epochs=5 batch=32 rounds=1 threads=N
 *     data=DIR]</pre>
 */
public final class FeatureCacheBench {
  private FeatureCacheBench() {}

  public static void main(String[] args) throws Exception {
    dev.xfer.util.NativeRuntime.start();
    BenchArgs a = BenchArgs.parse(args, "data", "train", "valid", "batch", "epochs", "rounds", "threads", "size", "width", "middle");
    int trainN = a.integer("train", 128);
    int validN = a.integer("valid", 32);
    int size = a.integer("size", 96);
    double width = a.decimal("width", 0.5);
    int middle = a.integer("middle", 4);
    int epochs = a.integer("epochs", 5);
    int batch = a.integer("batch", 32);
    int rounds = a.integer("rounds", 1);
    if (a.has("threads")) ComputeThreads.set(a.integer("threads", 1));
    List<AutoCloseable> open = new ArrayList<>();
    Dataset train;
    Dataset valid;
    String source;
    int classes;
    if (a.has("data")) {
      // an image folder read as xfer train reads it: tfds order, train[25%:] / train[10%:25%], decoded once and cached,
      // resized and normalised every epoch by the loader
      Path dir = Path.of(a.text("data", "."));
      DataReport report = new DataReport();
      ImageFolder folder = ImageFolder.scan(dir, report);
      List<Sample> ordered = ExampleOrder.tfds().sort(folder.samples());
      LoaderConfig loader = LoaderConfig.defaults(size).withBatchSize(batch).withSeed(1);
      FolderData t = new FolderData(folder.classes(), Split.parse("train[25%:]").select(ordered, ExampleOrder.tfds(), false),
          loader, report);
      FolderData v = new FolderData(folder.classes(), Split.parse("train[10%:25%]").select(ordered, ExampleOrder.tfds(), false),
          loader, report);
      open.add(t);
      open.add(v);
      train = t;
      valid = v;
      classes = folder.classes().size();
      source = "images of " + dir;
    } else {
      train = new GeneratedImages(trainN, size, 4, 1);
      valid = new GeneratedImages(validN, size, 4, 2);
      classes = 4;
      source = "generated in-memory images";
    }
    XceptionConfig config = new XceptionConfig(width, middle, classes, Numerics.KERAS);
    PhaseConfig head = PhaseConfig.recipeHead().withEpochs(epochs);
    System.out.printf(Locale.ROOT, "phase 1, %d epochs: Xception width %s, %d middle blocks, %d px; %d train / %d valid"
        + " %s, batch %d; %d LibTorch threads, %d cores%n", epochs, width, middle, size, train.size(), valid.size(), source,
        batch, torch.get_num_threads(), Runtime.getRuntime().availableProcessors());
    for (boolean cache : new boolean[] {true, false}) { // untimed: oneDNN builds its kernels for these shapes once
      try (PointerScope scope = new PointerScope()) {
        torch.manual_seed(7);
        new FineTuner(new Xception(config), List.of(head.withEpochs(1)),
            new FineTuner.Options(batch, 1, cache, null, ProgressPrinter.silent())).run(train, valid);
      }
    }
    double[] total = new double[2];
    float[][] heads = new float[2][];
    for (int round = 0; round < rounds; round++) {
      // ABBA order, so a change in the machine's load during the run hits both variants alike
      for (int k = 0; k < 2; k++) {
        boolean cache = (round % 2 == 0) == (k == 0);
        int variant = cache ? 0 : 1;
        try (PointerScope scope = new PointerScope()) {
          torch.manual_seed(7);
          Xception model = new Xception(config);
          long start = System.nanoTime();
          List<EpochRecord> h = new FineTuner(model, List.of(head),
              new FineTuner.Options(batch, 1, cache, null, ProgressPrinter.silent())).run(train, valid);
          double seconds = (System.nanoTime() - start) / 1e9;
          total[variant] += seconds;
          heads[variant] = Tensors.toFloatArray(StateDict.tensorsOf(model).get("fc.weight"));
          EpochRecord last = h.get(h.size() - 1);
          System.out.printf(Locale.ROOT, "round %d %-22s %8.2f s  (last epoch: loss %.4f, val_loss %.4f)%n", round + 1,
              cache ? "with feature cache" : "without feature cache", seconds, last.loss(), last.valLoss());
        }
      }
    }
    double maxW = 0;
    double diff = 0;
    for (int i = 0; i < heads[0].length; i++) {
      maxW = Math.max(maxW, Math.abs(heads[1][i]));
      diff = Math.max(diff, Math.abs(heads[0][i] - heads[1][i]));
    }
    System.out.printf(Locale.ROOT, "total over %d round(s): %.2f s with the cache, %.2f s without: %.2fx less wall time"
        + " with the cache; final heads differ by at most %.2e (largest weight %.3f)%n", rounds, total[0], total[1],
        total[1] / total[0], diff, maxW);
    for (AutoCloseable c : open) c.close();
  }
}
