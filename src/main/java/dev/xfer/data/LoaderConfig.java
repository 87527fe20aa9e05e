package dev.xfer.data;

import dev.xfer.kernels.JpegIdct;
import dev.xfer.kernels.Normalization;

/**
 * How a {@link Loader} reads a data set. Start from {@link #defaults(int)}; each {@code withX} method
 * returns a copy with one field changed.
 *
 * @param imageSize square model input size S (batches are (N, 3, S, S))
 * @param batchSize images per batch; the last batch of an epoch may be smaller (kept, like tf.data
 *     without drop_remainder)
 * @param shuffleBuffer tf.data shuffle buffer size; 0 or 1 keeps the given order
 * @param seed seed of the shuffle and augmentation RNGs; each epoch derives its own
 * @param decodeThreads threads decoding and preprocessing images
 * @param prefetchBatches finished batches kept ready ahead of the consumer
 * @param cacheBudgetBytes bytes of images kept in memory across epochs (preprocessed float inputs, or
 *     decoded uint8 images when augmenting); 0 disables
 * @param onBadImage skip (default) or fail on an undecodable file
 * @param exifOrientation apply EXIF orientation (tfds and Keras do not: default false)
 * @param augmentation training augmentation, {@link Augmentation#NONE} by default
 * @param normalization pixel normalisation after the resize (Keras Xception: x / 127.5 - 1)
 * @param jpegIdct inverse DCT of JPEG decoding (default {@link JpegIdct#FAST}, TensorFlow's)
 */
public record LoaderConfig(
    int imageSize,
    int batchSize,
    int shuffleBuffer,
    long seed,
    int decodeThreads,
    int prefetchBatches,
    long cacheBudgetBytes,
    BadImagePolicy onBadImage,
    boolean exifOrientation,
    Augmentation augmentation,
    Normalization normalization,
    JpegIdct jpegIdct) {

  /** Default decoded-image cache budget: 2 GiB. */
  public static final long DEFAULT_CACHE_BYTES = 2L << 30;

  public LoaderConfig {
    require(imageSize >= 1, "image size", ">= 1", imageSize);
    require(batchSize >= 1, "batch size", ">= 1", batchSize);
    require(shuffleBuffer >= 0, "shuffle buffer", ">= 0", shuffleBuffer);
    require(decodeThreads >= 1, "decode threads", ">= 1", decodeThreads);
    require(prefetchBatches >= 1, "prefetch batches", ">= 1", prefetchBatches);
    require(cacheBudgetBytes >= 0, "cache budget", ">= 0 bytes", cacheBudgetBytes);
    if (onBadImage == null || augmentation == null || normalization == null || jpegIdct == null) {
      throw new IllegalArgumentException("loader config: bad-image policy, augmentation, normalisation and JPEG IDCT must be set");
    }
  }

  /**
   * Defaults for input size {@code imageSize}: batch 32, shuffle buffer 1000, seed 0,
   * min(4, cores) decode threads, 3 prefetched batches, 2 GiB cache, skip bad images, EXIF ignored,
   * no augmentation, Keras Xception normalisation, TensorFlow's fast JPEG IDCT.
   */
  public static LoaderConfig defaults(int imageSize) {
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    return new LoaderConfig(imageSize, 32, 1000, 0L, threads, 3, DEFAULT_CACHE_BYTES, BadImagePolicy.SKIP, false,
        Augmentation.NONE, Normalization.KERAS_XCEPTION, JpegIdct.FAST);
  }

  public LoaderConfig withImageSize(int v) {
    return new LoaderConfig(v, batchSize, shuffleBuffer, seed, decodeThreads, prefetchBatches, cacheBudgetBytes, onBadImage, exifOrientation, augmentation, normalization, jpegIdct);
  }

  public LoaderConfig withBatchSize(int v) {
    return new LoaderConfig(imageSize, v, shuffleBuffer, seed, decodeThreads, prefetchBatches, cacheBudgetBytes, onBadImage, exifOrientation, augmentation, normalization, jpegIdct);
  }

  public LoaderConfig withShuffleBuffer(int v) {
    return new LoaderConfig(imageSize, batchSize, v, seed, decodeThreads, prefetchBatches, cacheBudgetBytes, onBadImage, exifOrientation, augmentation, normalization, jpegIdct);
  }

  public LoaderConfig withSeed(long v) {
    return new LoaderConfig(imageSize, batchSize, shuffleBuffer, v, decodeThreads, prefetchBatches, cacheBudgetBytes, onBadImage, exifOrientation, augmentation, normalization, jpegIdct);
  }

  public LoaderConfig withDecodeThreads(int v) {
    return new LoaderConfig(imageSize, batchSize, shuffleBuffer, seed, v, prefetchBatches, cacheBudgetBytes, onBadImage, exifOrientation, augmentation, normalization, jpegIdct);
  }

  public LoaderConfig withPrefetchBatches(int v) {
    return new LoaderConfig(imageSize, batchSize, shuffleBuffer, seed, decodeThreads, v, cacheBudgetBytes, onBadImage, exifOrientation, augmentation, normalization, jpegIdct);
  }

  public LoaderConfig withCacheBudgetBytes(long v) {
    return new LoaderConfig(imageSize, batchSize, shuffleBuffer, seed, decodeThreads, prefetchBatches, v, onBadImage, exifOrientation, augmentation, normalization, jpegIdct);
  }

  public LoaderConfig withOnBadImage(BadImagePolicy v) {
    return new LoaderConfig(imageSize, batchSize, shuffleBuffer, seed, decodeThreads, prefetchBatches, cacheBudgetBytes, v, exifOrientation, augmentation, normalization, jpegIdct);
  }

  public LoaderConfig withExifOrientation(boolean v) {
    return new LoaderConfig(imageSize, batchSize, shuffleBuffer, seed, decodeThreads, prefetchBatches, cacheBudgetBytes, onBadImage, v, augmentation, normalization, jpegIdct);
  }

  public LoaderConfig withAugmentation(Augmentation v) {
    return new LoaderConfig(imageSize, batchSize, shuffleBuffer, seed, decodeThreads, prefetchBatches, cacheBudgetBytes, onBadImage, exifOrientation, v, normalization, jpegIdct);
  }

  public LoaderConfig withNormalization(Normalization v) {
    return new LoaderConfig(imageSize, batchSize, shuffleBuffer, seed, decodeThreads, prefetchBatches, cacheBudgetBytes, onBadImage, exifOrientation, augmentation, v, jpegIdct);
  }

  public LoaderConfig withJpegIdct(JpegIdct v) {
    return new LoaderConfig(imageSize, batchSize, shuffleBuffer, seed, decodeThreads, prefetchBatches, cacheBudgetBytes, onBadImage, exifOrientation, augmentation, normalization, v);
  }

  private static void require(boolean ok, String what, String expected, long found) {
    if (!ok) throw new IllegalArgumentException(what + ": expected " + expected + ", found " + found);
  }
}
