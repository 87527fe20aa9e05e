package dev.xfer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.PointerScope;

/**
 * Decodes every image of a folder once, in parallel, exactly as training decodes it: the check behind
 * {@code xfer verify-data} (which reports it) and behind training and evaluation (which keep only the
 * usable images, so that a bad file is reported with its path before any training starts).
 */
public final class FolderCheck {
  private FolderCheck() {}

  /**
   * The size of each image of {@code samples} in that order, null where the image does not decode (then
   * reported to {@code report}), decoded on {@code threads} threads.
   */
  public static List<ImageDecoder.ImageInfo> inspect(List<Sample> samples, ImageDecoder decoder, DataReport report,
      int threads) throws InterruptedException {
    return inspect(samples, decoder, report, threads, new ConcurrentLinkedQueue<>());
  }

  /**
   * The usable images of {@code samples}, in their order (the example indices of every epoch, and of the
   * feature cache, then refer to the same list). With {@code failOnBad} the first bad file stops the run.
   */
  public static List<Sample> decodable(List<Sample> samples, DataReport report, boolean failOnBad) throws InterruptedException {
    ConcurrentLinkedQueue<BadImageException> failures = new ConcurrentLinkedQueue<>();
    List<ImageDecoder.ImageInfo> infos = inspect(samples, new ImageDecoder(false), report,
        Runtime.getRuntime().availableProcessors(), failures);
    if (failOnBad && !failures.isEmpty()) {
      throw new IllegalArgumentException("--on-bad-image=fail: " + failures.peek().getMessage());
    }
    List<Sample> usable = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) if (infos.get(i) != null) usable.add(samples.get(i));
    return usable;
  }

  private static List<ImageDecoder.ImageInfo> inspect(List<Sample> samples, ImageDecoder decoder, DataReport report,
      int threads, ConcurrentLinkedQueue<BadImageException> failures) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<ImageDecoder.ImageInfo>> futures = new ArrayList<>();
      for (Sample s : samples) {
        futures.add(pool.submit(() -> {
          try (PointerScope scope = new PointerScope()) {
            return decoder.inspect(s.path());
          } catch (BadImageException e) {
            failures.add(e);
            report.addBad(e);
            return null;
          }
        }));
      }
      List<ImageDecoder.ImageInfo> infos = new ArrayList<>();
      for (Future<ImageDecoder.ImageInfo> f : futures) infos.add(f.get());
      return infos;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
