package dev.xfer.data;

import dev.xfer.kernels.PreprocessKernel;
import dev.xfer.kernels.Tensors;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Batches of preprocessed images from a list of samples, epoch after epoch.
 *
 * <pre>{@code
 * try (Loader loader = new Loader(samples, LoaderConfig.defaults(299), report)) {
 *   for (int e = 0; e < epochs; e++) {
 *     try (Epoch epoch = loader.epoch(e)) {
 *       for (Batch b : epoch) {
 *         try (b) { train(b.images(), b.labels()); }
 *       }
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p><b>Order.</b> Each epoch reads the samples in the given order through a tf.data-style shuffle
 * buffer ({@link #order(int)}): a buffer of B samples is filled from the stream, each output is drawn
 * uniformly from the buffer and its slot refilled with the next sample. Epoch {@code e} uses
 * {@code new SplittableRandom(mix(seed, e))}, so the same seed gives the same batches every run and
 * every epoch is shuffled differently. Bad images drop out of the stream without shortening batches
 * (only the epoch's last batch may be partial).
 *
 * <p><b>Threads.</b> A fixed pool of {@code decodeThreads} threads runs two kinds of one-image task:
 * decode (OpenCV) + augment, and resize + normalise ({@link PreprocessKernel}, single-threaded C)
 * straight into the image's slot of the batch tensor (without augmentation the resize happens right
 * after decoding, and the second task copies the cached result). The only LibTorch calls made there are
 * allocations and views, so the pool does not compete with LibTorch's intra-op threads. One
 * assembler thread per open epoch (reused from epoch to epoch) keeps a window of decodes in flight,
 * takes their results in order, assigns batch slots, and keeps up to {@code prefetchBatches}
 * finished batches ready.
 *
 * <p><b>Memory.</b> Every temporary lives in a {@link PointerScope}; the consumer owns each
 * {@link Batch} and closes it; images cached across epochs ({@link ImageCache}: preprocessed float
 * inputs without augmentation, decoded uint8 images with it) are freed by {@link #close()}.
 */
public final class Loader implements AutoCloseable {
  private final List<Sample> samples;
  private final LoaderConfig config;
  private final DataReport report;
  private final ImageDecoder decoder;
  private final ImageCache cache;
  private final BatchBuffers batchBuffers;
  private final ExecutorService pool;
  private final ExecutorService batchers;
  private final Map<Integer, BadImageException> bad = new ConcurrentHashMap<>();
  private final Set<Epoch> open = ConcurrentHashMap.newKeySet();

  /**
   * A loader over {@code samples} (in the order to stream them, e.g. from {@link Split#select}).
   * Files the report already lists as bad (from the folder scan) abort here under
   * {@link BadImagePolicy#FAIL}.
   */
  public Loader(List<Sample> samples, LoaderConfig config, DataReport report) {
    if (samples.isEmpty()) throw new IllegalArgumentException("loader: expected at least one sample, found none");
    if (config.onBadImage() == BadImagePolicy.FAIL && !report.badImages().isEmpty()) {
      DataReport.Issue first = report.badImages().get(0);
      throw new DataLoadingException(new BadImageException(first.file(), first.reason()));
    }
    this.samples = List.copyOf(samples);
    this.config = config;
    this.report = report;
    this.decoder = new ImageDecoder(config.exifOrientation(), config.jpegIdct());
    this.cache = new ImageCache(config.cacheBudgetBytes());
    // batches that can exist at once: the prefetch queue, the one being assembled, the consumer's
    this.batchBuffers = new BatchBuffers(config.prefetchBatches() + 3);
    AtomicInteger count = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(config.decodeThreads(), r -> {
      Thread t = new Thread(r, "xfer-decode-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.batchers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "xfer-batches-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Number of samples (bad ones included until they are met). */
  public int size() {
    return samples.size();
  }

  public LoaderConfig config() {
    return config;
  }

  public DataReport report() {
    return report;
  }

  /** Starts epoch {@code epoch} (prefetching begins now); iterate it once and close it. */
  public Epoch epoch(int epoch) {
    Epoch e = new Epoch(this, epoch, order(epoch), open::remove);
    open.add(e);
    return e;
  }

  /**
   * Starts epoch {@code epoch} over the given sample indices instead of {@link #order(int)} (a data-parallel
   * rank's shard); augmentation still follows {@code epoch}.
   */
  public Epoch epoch(int epoch, int[] order) {
    for (int i : order) {
      if (i < 0 || i >= samples.size()) {
        throw new IllegalArgumentException("sample index: expected in [0, " + samples.size() + "), found " + i);
      }
    }
    Epoch e = new Epoch(this, epoch, order.clone(), open::remove);
    open.add(e);
    return e;
  }

  /** The sample indices epoch {@code epoch} streams, in order (the shuffle buffer applied). */
  public int[] order(int epoch) {
    return shuffleBufferOrder(samples.size(), config.shuffleBuffer(), Seeds.mix(config.seed(), epoch));
  }

  /**
   * tf.data's shuffle buffer over the stream 0..n-1: fill a buffer with the first {@code buffer}
   * elements; repeatedly output a uniformly drawn slot and refill it with the next element, or, once
   * the stream is exhausted, with the buffer's last element (shrinking it).
   */
  public static int[] shuffleBufferOrder(int n, int buffer, long seed) {
    int[] out = new int[n];
    if (buffer <= 1) {
      for (int i = 0; i < n; i++) out[i] = i;
      return out;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int[] slots = new int[Math.min(buffer, n)];
    int size = 0;
    int next = 0;
    while (size < slots.length) slots[size++] = next++;
    for (int k = 0; k < n; k++) {
      int j = rng.nextInt(size);
      out[k] = slots[j];
      if (next < n) {
        slots[j] = next++;
      } else {
        slots[j] = slots[--size];
      }
    }
    return out;
  }

  /** Images held in the cache (preprocessed, or decoded when augmenting), and their bytes. */
  public long[] cacheStats() {
    return new long[] {cache.size(), cache.bytes()};
  }

  /**
   * Stage 1 of one image, on a decode thread. With augmentation the decoded uint8 image is what is
   * cached and each epoch augments it afresh; without, the image is resized and normalised here and
   * the (1, 3, S, S) result is what is cached, so later epochs only copy it into their batch.
   */
  Loaded load(int index, int epoch, int position) {
    Sample sample = samples.get(index);
    BadImageException known = bad.get(index);
    if (known != null) return new Loaded(sample, null, false, false, known);
    boolean augment = config.augmentation().enabled();
    try (PointerScope scope = new PointerScope()) {
      Tensor image = cache.get(index);
      boolean shared = image != null;
      if (image == null) {
        image = decoder.decode(sample.path());
        report.countDecoded();
        if (!augment) image = preprocessed(image);
        shared = cache.offer(index, image);
      }
      if (!augment) {
        if (!shared) image.retainReference();
        return new Loaded(sample, image, !shared, true, null);
      }
      SplittableRandom rng = new SplittableRandom(Seeds.mix(config.seed(), epoch, position, 0xA06));
      Tensor input = config.augmentation().apply(image, rng);
      boolean owned = input != image || !shared;
      if (owned) input.retainReference();
      return new Loaded(sample, input, owned, false, null);
    } catch (BadImageException e) {
      bad.putIfAbsent(index, e);
      report.addBad(e);
      return new Loaded(sample, null, false, false, e);
    }
  }

  private Tensor preprocessed(Tensor image) {
    int s = config.imageSize();
    Tensor out = Tensors.emptyFloat(image, 1, 3, s, s);
    PreprocessKernel.runInto(List.of(image), out, config.normalization());
    return out; // the decoded image is freed with the caller's scope
  }

  /** Stage 2, on a decode thread: resize and normalise {@code item} into {@code slot} (1, 3, S, S). */
  void preprocessInto(Loaded item, Tensor slot) {
    if (item.preprocessed()) {
      slot.copy_(item.image());
    } else {
      PreprocessKernel.runInto(List.of(item.image()), slot, config.normalization());
    }
  }

  ExecutorService pool() {
    return pool;
  }

  /** Image tensors of closed batches, reused for new ones. */
  BatchBuffers batchBuffers() {
    return batchBuffers;
  }

  /** Runs one assembler per open epoch; sequential epochs reuse the same thread. */
  ExecutorService batchers() {
    return batchers;
  }

  /** Closes open epochs, stops the decode threads and frees the cache. */
  @Override
  public void close() {
    for (Epoch e : List.copyOf(open)) e.close();
    pool.shutdownNow();
    batchers.shutdownNow();
    cache.close();
    batchBuffers.close();
  }

  /**
   * A decoded (H, W, 3) uint8 image or, when {@code preprocessed}, the (1, 3, S, S) float input; or
   * the reason the file is bad. {@code owned}: the holder frees it; otherwise it belongs to the cache.
   */
  record Loaded(Sample sample, Tensor image, boolean owned, boolean preprocessed, BadImageException bad) {
    void close() {
      if (owned) image.close();
    }
  }
}
