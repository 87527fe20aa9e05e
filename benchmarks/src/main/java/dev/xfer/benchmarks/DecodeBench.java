package dev.xfer.benchmarks;

import dev.xfer.data.Batch;
import dev.xfer.data.DataReport;
import dev.xfer.data.Epoch;
import dev.xfer.data.ImageDecoder;
import dev.xfer.data.Loader;
import dev.xfer.data.LoaderConfig;
import dev.xfer.data.Sample;
import dev.xfer.kernels.JpegIdct;
import dev.xfer.kernels.Normalization;
import dev.xfer.kernels.PreprocessKernel;
import dev.xfer.kernels.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.pytorch.Tensor;

/**
 * Input-pipeline throughput on this machine (not a test): writes N photo-like 500x375 JPEGs (quality
 * 90, tf_flowers' typical size) to a temporary folder and prints images/s for OpenCV imdecode alone,
 * decode + resize + normalise with each JPEG IDCT and with OpenCV's decode (alternating rounds),
 * decode + resize + normalise ({@link PreprocessKernel}) on 1 and 2 threads, the two cached paths
 * (uint8 images to resize and normalise, as with augmentation; preprocessed float inputs to copy, as
 * without), and two {@link Loader}s (a decoding epoch, then two cached ones). Each direct path runs
 * {@value #ROUNDS} rounds and prints the best and the median rate, since a shared machine is noisy.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.xfer.benchmarks.DecodeBench [N=256] [S=299]}
 */
public final class DecodeBench {
  private static final int ROUNDS = 5;

  private DecodeBench() {}

  private interface Work {
    void run(int i) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    dev.xfer.util.NativeRuntime.start();
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    int s = args.length > 1 ? Integer.parseInt(args[1]) : 299;
    Path dir = Files.createTempDirectory("xfer-decode-bench");
    try {
      List<Path> files = writeJpegs(dir, n);
      List<byte[]> bytes = new ArrayList<>();
      for (Path f : files) bytes.add(Files.readAllBytes(f));
      ImageDecoder decoder = new ImageDecoder(false);
      Normalization norm = Normalization.KERAS_XCEPTION;
      System.out.printf("%d JPEGs 500x375 q90 (%.0f KB avg), output %dx%d, %d cores (%s)%n", n,
          bytes.stream().mapToLong(b -> b.length).average().orElse(0) / 1024, s, s,
          Runtime.getRuntime().availableProcessors(), dev.xfer.util.Machine.cpuModel());
      System.out.printf("%-52s %10s %10s%n", "path (best and median of " + ROUNDS + " rounds)", "images/s", "median");
      report("OpenCV imdecode alone, 1 thread", n, 1, i -> {
        try (BytePointer p = new BytePointer(bytes.get(i)); Mat enc = new Mat(1, bytes.get(i).length, opencv_core.CV_8UC1, p);
            Mat m = opencv_imgcodecs.imdecode(enc, opencv_imgcodecs.IMREAD_COLOR_RGB)) {
          if (m.empty()) throw new IllegalStateException("decode failed");
        }
      });
      Work full = i -> {
        try (PointerScope scope = new PointerScope()) {
          PreprocessKernel.run(List.of(decoder.decode(files.get(i))), s, s, norm);
        }
      };
      idctComparison(bytes, s, norm);
      report("read + decode + resize + normalise, 1 thread", n, 1, full);
      report("read + decode + resize + normalise, 2 threads", n, 2, full);
      List<Tensor> cached = new ArrayList<>();
      List<Tensor> inputs = new ArrayList<>();
      for (Path f : files) {
        Tensor t = decoder.decode(f);
        cached.add(t);
        inputs.add(PreprocessKernel.run(List.of(t), s, s, norm));
      }
      Work fromCache = i -> {
        try (PointerScope scope = new PointerScope()) {
          PreprocessKernel.run(List.of(cached.get(i)), s, s, norm);
        }
      };
      report("cached uint8 -> resize + normalise, 1 thread", n, 1, fromCache);
      Tensor slot = Tensors.emptyFloat(inputs.get(0), 1, 3, s, s);
      report("cached float input -> batch slot copy, 1 thread", n, 1, i -> slot.copy_(inputs.get(i)));
      for (Tensor t : cached) t.close();
      for (Tensor t : inputs) t.close();
      slot.close();
      loader(files, s);
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Decode + resize + normalise from memory on one thread, the JPEG IDCTs measured in alternating
   * rounds in this one process (so that a shared machine's load falls on all of them alike): the
   * fast IDCT (TF's default), the accurate one, and OpenCV's decode (xfer's JPEG path before the
   * TF-exact decoder; reached here through the EXIF route, which adds one image copy).
   */
  private static void idctComparison(List<byte[]> bytes, int s, Normalization norm) throws Exception {
    String[] names = {"IDCT fast (TF default)", "IDCT accurate", "OpenCV imdecode"};
    ImageDecoder[] decoders = {new ImageDecoder(false, JpegIdct.FAST), new ImageDecoder(false, JpegIdct.ACCURATE),
        new ImageDecoder(true)};
    Path name = Path.of("bench.jpg");
    double[][] rates = new double[names.length][ROUNDS];
    for (int r = -1; r < ROUNDS; r++) { // round -1 warms up
      for (int k = 0; k < names.length; k++) {
        long start = System.nanoTime();
        int count = r < 0 ? Math.min(8, bytes.size()) : bytes.size();
        for (int i = 0; i < count; i++) {
          try (PointerScope scope = new PointerScope()) {
            PreprocessKernel.run(List.of(decoders[k].decode(name, bytes.get(i))), s, s, norm);
          }
        }
        if (r >= 0) rates[k][r] = count / ((System.nanoTime() - start) / 1e9);
      }
    }
    for (int k = 0; k < names.length; k++) {
      Arrays.sort(rates[k]);
      System.out.printf("%-52s %10.0f %10.0f%n", "decode + resize + normalise, " + names[k] + ", 1 thread",
          rates[k][ROUNDS - 1], rates[k][ROUNDS / 2]);
    }
    System.out.printf("%-52s %10.2f%n", "median ratio fast / accurate IDCT", rates[0][ROUNDS / 2] / rates[1][ROUNDS / 2]);
  }

  private static void loader(List<Path> files, int s) {
    List<Sample> samples = new ArrayList<>();
    for (Path f : files) samples.add(new Sample(f, 0, f.getFileName().toString()));
    LoaderConfig config = LoaderConfig.defaults(s).withDecodeThreads(2);
    for (int round = 1; round <= 2; round++) {
      try (Loader loader = new Loader(samples, config, new DataReport())) {
        loaderEpochs(loader, round);
      }
    }
  }

  private static void loaderEpochs(Loader loader, int round) {
    for (int e = 0; e < 3; e++) {
      long start = System.nanoTime();
      int count = 0;
      try (Epoch epoch = loader.epoch(e)) {
        for (Batch b : epoch) {
          try (b) {
            count += b.size();
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("%-52s %10.0f%n", "Loader " + round + ", 2 threads, batch 32, epoch " + e
          + (e == 0 ? " (decode)" : " (cached)"), count / seconds);
    }
  }

  private static void report(String name, int n, int threads, Work work) throws Exception {
    for (int i = 0; i < Math.min(8, n); i++) work.run(i); // warm-up
    double[] rates = new double[ROUNDS];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int r = 0; r < ROUNDS; r++) {
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int first = t;
          futures.add(pool.submit(() -> {
            for (int i = first; i < n; i += threads) work.run(i);
            return null;
          }));
        }
        for (Future<?> f : futures) f.get();
        rates[r] = n / ((System.nanoTime() - start) / 1e9);
      }
    } finally {
      pool.shutdownNow();
    }
    Arrays.sort(rates);
    System.out.printf("%-52s %10.0f %10.0f%n", name, rates[ROUNDS - 1], rates[ROUNDS / 2]);
  }

  private static List<Path> writeJpegs(Path dir, int n) {
    int h = 375;
    int w = 500;
    Random rng = new Random(0);
    List<Path> out = new ArrayList<>();
    byte[] px = new byte[h * w * 3];
    for (int k = 0; k < n; k++) {
      double a = rng.nextDouble() * 6;
      double b = rng.nextDouble() * 6;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          for (int c = 0; c < 3; c++) {
            double v = 127.5 + 100 * Math.sin(a + x * 0.05 * (c + 1)) * Math.cos(b + y * 0.03 * (3 - c)) + rng.nextInt(24);
            px[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
          }
        }
      }
      Path f = dir.resolve(String.format("img%05d.jpg", k));
      try (Mat m = new Mat(h, w, opencv_core.CV_8UC3); IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 90)) {
        m.data().put(px);
        if (!opencv_imgcodecs.imwrite(f.toString(), m, params)) throw new IllegalStateException("imwrite failed: " + f);
      }
      out.add(f);
    }
    return out;
  }
}
