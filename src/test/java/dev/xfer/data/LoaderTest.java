package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.kernels.Normalization;
import dev.xfer.kernels.PreprocessKernel;
import dev.xfer.kernels.Tensors;
import dev.xfer.testing.PointerScopeExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The loader: order, batches, exact preprocessing, bad-file policy, cache and augmentation. */
@ExtendWith(PointerScopeExtension.class)
class LoaderTest {
  private static final int S = 12;
  @TempDir Path root;
  private final Map<Path, byte[]> pixels = new HashMap<>();
  private final Map<Path, int[]> sizes = new HashMap<>();
  private final List<String> classes = List.of("ant", "bee", "cat");

  @BeforeEach
  void writeFolder() throws Exception {
    Random rng = new Random(42);
    for (String cls : classes) {
      Files.createDirectories(root.resolve(cls));
      for (int i = 0; i < 5; i++) {
        int h = 7 + rng.nextInt(20);
        int w = 7 + rng.nextInt(20);
        byte[] rgb = TestImages.randomRgb(rng, h, w);
        Path f = TestImages.writeRgb(root.resolve(cls).resolve(i + ".png"), rgb, h, w);
        pixels.put(f, rgb);
        sizes.put(f, new int[] {h, w});
      }
    }
  }

  private LoaderConfig config() {
    return LoaderConfig.defaults(S).withBatchSize(4).withDecodeThreads(2);
  }

  private List<Sample> samples(DataReport report) throws Exception {
    return ImageFolder.scan(root, report).samples();
  }

  /** Files of every batch of one epoch, closing the batches. */
  private static List<List<Path>> files(Loader loader, int epoch) {
    List<List<Path>> out = new ArrayList<>();
    try (Epoch e = loader.epoch(epoch)) {
      for (Batch b : e) {
        try (b) {
          out.add(b.files());
        }
      }
    }
    return out;
  }

  private float[] expected(Path file, boolean flipped) {
    int h = sizes.get(file)[0];
    int w = sizes.get(file)[1];
    byte[] rgb = pixels.get(file);
    if (flipped) {
      byte[] f = new byte[rgb.length];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) System.arraycopy(rgb, (y * w + x) * 3, f, (y * w + (w - 1 - x)) * 3, 3);
      }
      rgb = f;
    }
    try (PointerScope scope = new PointerScope()) {
      return Tensors.toFloatArray(PreprocessKernel.run(List.of(TestImages.tensor(rgb, h, w)), S, S, Normalization.KERAS_XCEPTION));
    }
  }

  @Test
  void shuffleBufferIsAPermutationWithTfDataSemantics() {
    for (int buffer : new int[] {0, 1, 2, 5, 1000}) {
      int[] order = Loader.shuffleBufferOrder(50, buffer, 9);
      assertArrayEquals(java.util.stream.IntStream.range(0, 50).toArray(), Arrays.stream(order).sorted().toArray());
      // output k can only be an element that has entered the buffer: index < k + buffer
      for (int k = 0; k < order.length; k++) assertTrue(order[k] < k + Math.max(buffer, 1), "buffer " + buffer + " at " + k);
    }
    assertArrayEquals(java.util.stream.IntStream.range(0, 50).toArray(), Loader.shuffleBufferOrder(50, 1, 9));
    assertArrayEquals(Loader.shuffleBufferOrder(50, 10, 9), Loader.shuffleBufferOrder(50, 10, 9));
    assertFalse(Arrays.equals(Loader.shuffleBufferOrder(50, 10, 9), Loader.shuffleBufferOrder(50, 10, 10)));
  }

  @Test
  void sameSeedSameOrderDifferentSeedDifferentOrderReshuffledEachEpoch() throws Exception {
    List<Sample> s = samples(new DataReport());
    try (Loader a = new Loader(s, config().withSeed(5), new DataReport());
        Loader b = new Loader(s, config().withSeed(5), new DataReport());
        Loader c = new Loader(s, config().withSeed(6), new DataReport())) {
      List<List<Path>> a0 = files(a, 0);
      assertEquals(a0, files(b, 0));
      assertNotEquals(a0, files(c, 0));
      List<List<Path>> a1 = files(a, 1);
      assertNotEquals(a0, a1);
      assertEquals(a1, files(b, 1));
      assertArrayEquals(a.order(3), b.order(3));
    }
  }

  @Test
  void batchesHoldEveryImageOnceExactlyPreprocessedWithLabels() throws Exception {
    List<Sample> s = samples(new DataReport());
    try (Loader loader = new Loader(s, config(), new DataReport())) {
      for (int e = 0; e < 2; e++) { // epoch 0 decodes, epoch 1 copies from the cache
        try (Epoch epoch = loader.epoch(e)) {
          List<Integer> sizesSeen = new ArrayList<>();
          Set<Path> seen = new HashSet<>();
          for (Batch b : epoch) {
            try (b) {
              sizesSeen.add(b.size());
              assertArrayEquals(new long[] {b.size(), 3, S, S}, new long[] {b.images().size(0), b.images().size(1), b.images().size(2), b.images().size(3)});
              assertEquals(1, b.labels().dim());
              float[] all = Tensors.toFloatArray(b.images());
              long[] labels = new long[b.size()];
              for (int i = 0; i < b.size(); i++) labels[i] = b.labels().get(i).item_long();
              int per = 3 * S * S;
              for (int i = 0; i < b.size(); i++) {
                Path f = b.files().get(i);
                assertTrue(seen.add(f), "once: " + f);
                assertEquals(classes.indexOf(f.getParent().getFileName().toString()), labels[i], "label of " + f);
                assertArrayEquals(expected(f, false), Arrays.copyOfRange(all, i * per, (i + 1) * per), "pixels of " + f + ", epoch " + e);
              }
            }
          }
          assertEquals(List.of(4, 4, 4, 3), sizesSeen);
          assertEquals(pixels.keySet(), seen);
        }
      }
    }
  }

  @Test
  void batchMemoryIsReusedOnlyWhenNothingElseHoldsIt() throws Exception {
    List<Sample> s = samples(new DataReport());
    try (Loader loader = new Loader(s, config(), new DataReport())) {
      // a consumer that keeps a view of its first batch beyond close: that memory must never be reused
      Tensor kept;
      Set<Long> addresses = new HashSet<>();
      float[] keptValues;
      Path keptFile;
      try (Epoch epoch = loader.epoch(0)) {
        Iterator<Batch> it = epoch.iterator();
        Batch first = it.next();
        kept = first.images().narrow(0, 0, 1);
        keptValues = Tensors.toFloatArray(kept);
        keptFile = first.files().get(0);
        long keptAddress = first.images().data_ptr().address();
        first.close();
        while (it.hasNext()) {
          try (Batch b = it.next()) {
            assertTrue(b.images().data_ptr().address() != keptAddress, "a batch reused memory a live view points to");
            addresses.add(b.images().data_ptr().address());
          }
        }
      }
      assertArrayEquals(expected(keptFile, false), keptValues);
      for (int e = 1; e < 3; e++) { // the later full batches come from the few kept tensors
        try (Epoch epoch = loader.epoch(e)) {
          for (Batch b : epoch) {
            try (b) {
              if (b.size() == 4) addresses.add(b.images().data_ptr().address());
            }
          }
        }
      }
      assertArrayEquals(keptValues, Tensors.toFloatArray(kept), "the kept view's values survived later epochs");
      assertTrue(loader.batchBuffers().kept() > 0, "closed batches' tensors are kept for reuse");
      kept.close();
      assertTrue(addresses.size() <= loader.config().prefetchBatches() + 3 + 1,
          "full batches over 3 epochs used " + addresses.size() + " distinct buffers");
    }
  }

  @Test
  void soleOwnerSeesViewsAndSecondHandles() {
    Tensor t = Tensors.emptyFloat(TestImages.tensor(new byte[3], 1, 1), 2, 3, 4, 4);
    assertTrue(BatchBuffers.soleOwner(t));
    Tensor view = t.narrow(0, 1, 1);
    assertFalse(BatchBuffers.soleOwner(t), "a view shares the memory");
    view.close();
    assertTrue(BatchBuffers.soleOwner(t));
    Tensor alias = t.detach(); // another tensor over the same storage
    assertFalse(BatchBuffers.soleOwner(t));
    alias.close();
    assertTrue(BatchBuffers.soleOwner(t));
  }

  private Path[] addBadFiles() throws Exception {
    byte[] jpeg = TestImages.jpegBytes(TestImages.smoothRgb(new Random(2), 32, 32), 32, 32, 90);
    Path truncated = Files.write(root.resolve("bee/truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length - 40));
    Path empty = Files.write(root.resolve("bee/empty.jpg"), new byte[0]);
    byte[] noise = new byte[300];
    new Random(1).nextBytes(noise);
    noise[0] = 0;
    Path random = Files.write(root.resolve("cat/random.jpg"), noise);
    Path text = Files.write(root.resolve("cat/notes.txt"), "not an image".getBytes(StandardCharsets.US_ASCII));
    return new Path[] {truncated, empty, random, text};
  }

  @Test
  void badFilesAreSkippedReportedOnceWithPathAndCounted() throws Exception {
    Path[] bad = addBadFiles();
    List<String> heard = new ArrayList<>();
    DataReport report = new DataReport(i -> heard.add(i.toString()));
    List<Sample> s = samples(report);
    assertEquals(3, heard.size(), "the scan reports empty, random and text files");
    try (Loader loader = new Loader(s, config(), report)) {
      for (int e = 0; e < 3; e++) {
        Set<Path> seen = new HashSet<>();
        files(loader, e).forEach(seen::addAll);
        assertEquals(pixels.keySet(), seen, "every good image, every epoch");
      }
    }
    assertEquals(4, heard.size(), "the truncated JPEG is reported once, not once per epoch: " + heard);
    for (Path p : bad) assertTrue(heard.stream().anyMatch(h -> h.startsWith(p + ": ")), "reported: " + p);
    assertEquals(List.of(bad[1], bad[0], bad[2]), report.badImages().stream().map(DataReport.Issue::file).toList());
    assertTrue(report.badImages().get(1).reason().contains("truncated"));
    assertEquals(List.of(bad[3]), report.notImages().stream().map(DataReport.Issue::file).toList());
    assertEquals("skipped 3 bad images, 1 file that is not an image", report.summary());
  }

  @Test
  void failPolicyAbortsWithThePath() throws Exception {
    Path truncated = addBadFiles()[0];
    DataReport scanned = new DataReport();
    List<Sample> s = samples(scanned);
    DataLoadingException early = assertThrows(DataLoadingException.class,
        () -> new Loader(s, config().withOnBadImage(BadImagePolicy.FAIL), scanned));
    assertTrue(early.getMessage().startsWith(root.resolve("bee/empty.jpg").toString()), early.getMessage());
    try (Loader loader = new Loader(s, config().withOnBadImage(BadImagePolicy.FAIL), new DataReport())) {
      DataLoadingException e = assertThrows(DataLoadingException.class, () -> files(loader, 0));
      assertEquals(truncated, e.file());
      assertTrue(e.getMessage().startsWith(truncated + ": truncated JPEG"), e.getMessage());
    }
  }

  @Test
  void cacheSkipsDecodingInLaterEpochs() throws Exception {
    List<Sample> s = samples(new DataReport());
    DataReport cached = new DataReport();
    try (Loader loader = new Loader(s, config(), cached)) {
      files(loader, 0);
      files(loader, 1);
      assertEquals(15, cached.decodedCount());
      assertEquals(15, loader.cacheStats()[0]);
      assertEquals(15L * 3 * S * S * Float.BYTES, loader.cacheStats()[1], "without augmentation the float inputs are cached");
    }
    DataReport augmenting = new DataReport();
    LoaderConfig flip = config().withAugmentation(new Augmentation(true, false, 0.08, 1, 0.75, 4.0 / 3));
    try (Loader loader = new Loader(s, flip, augmenting)) {
      files(loader, 0);
      files(loader, 1);
      assertEquals(15, augmenting.decodedCount());
      long bytes = sizes.values().stream().mapToLong(hw -> 3L * hw[0] * hw[1]).sum();
      assertEquals(bytes, loader.cacheStats()[1], "with augmentation the decoded uint8 images are cached");
    }
    DataReport uncached = new DataReport();
    try (Loader loader = new Loader(s, config().withCacheBudgetBytes(0), uncached)) {
      files(loader, 0);
      files(loader, 1);
      assertEquals(30, uncached.decodedCount());
    }
  }

  @Test
  void flipAugmentationIsSeededAndExact() throws Exception {
    List<Sample> s = samples(new DataReport());
    LoaderConfig flip = config().withAugmentation(new Augmentation(true, false, 0.08, 1, 0.75, 4.0 / 3)).withSeed(3);
    int flipped = 0;
    int plain = 0;
    try (Loader loader = new Loader(s, flip, new DataReport()); Loader again = new Loader(s, flip, new DataReport())) {
      for (int e = 0; e < 2; e++) {
        try (Epoch epoch = loader.epoch(e); Epoch twin = again.epoch(e)) {
          var it = twin.iterator();
          for (Batch b : epoch) {
            try (b; Batch c = it.next()) {
              float[] all = Tensors.toFloatArray(b.images());
              assertArrayEquals(all, Tensors.toFloatArray(c.images()), "same seed, same augmentation");
              int per = 3 * S * S;
              for (int i = 0; i < b.size(); i++) {
                float[] got = Arrays.copyOfRange(all, i * per, (i + 1) * per);
                if (Arrays.equals(got, expected(b.files().get(i), true))) {
                  flipped++;
                } else {
                  assertArrayEquals(expected(b.files().get(i), false), got);
                  plain++;
                }
              }
            }
          }
        }
      }
    }
    assertTrue(flipped > 5 && plain > 5, flipped + " flipped, " + plain + " plain");
  }

  @Test
  void randomResizedCropStaysInsideTheImage() {
    Augmentation a = Augmentation.FLIP_AND_CROP;
    java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
    for (int k = 0; k < 2000; k++) {
      int h = 1 + rng.nextInt(60);
      int w = 1 + rng.nextInt(60);
      int[] box = a.cropBox(h, w, rng);
      assertTrue(box[0] >= 0 && box[1] >= 0 && box[2] >= 1 && box[3] >= 1 && box[0] + box[2] <= h && box[1] + box[3] <= w,
          Arrays.toString(box) + " in " + h + "x" + w);
    }
  }

  @Test
  void closingAnEpochEarlyIsSafe() throws Exception {
    List<Sample> s = samples(new DataReport());
    try (Loader loader = new Loader(s, config().withBatchSize(1).withPrefetchBatches(2), new DataReport())) {
      try (Epoch e = loader.epoch(0)) {
        for (Batch b : e) {
          b.close();
          break;
        }
      }
      assertEquals(15, files(loader, 1).size());
      loader.epoch(2); // left open: the loader closes it
    }
  }

  @Test
  void noGrowthOfFileHandlesOrNativeMemoryOver20Epochs() throws Exception {
    List<Sample> s = samples(new DataReport());
    // 128 x 128 inputs: a batch not freed would add 0.75 MiB, 60 MiB over the 80 batches
    LoaderConfig big = config().withImageSize(128).withCacheBudgetBytes(0).withShuffleBuffer(8);
    try (Loader loader = new Loader(s, big, new DataReport())) {
      files(loader, 0);
      files(loader, 1);
      long fds = openFileDescriptors();
      long pointers = org.bytedeco.javacpp.Pointer.totalCount();
      long rss = org.bytedeco.javacpp.Pointer.physicalBytes();
      for (int e = 2; e < 22; e++) {
        try (Epoch epoch = loader.epoch(e)) {
          for (Batch b : epoch) {
            try (b) {
              assertEquals(3 * 128 * 128, b.images().numel() / b.size());
            }
          }
        }
      }
      long fdGrowth = openFileDescriptors() - fds;
      long pointerGrowth = org.bytedeco.javacpp.Pointer.totalCount() - pointers;
      long rssGrowth = org.bytedeco.javacpp.Pointer.physicalBytes() - rss;
      System.out.printf("20 epochs: fds %+d, live pointers %+d, rss %+d KiB%n", fdGrowth, pointerGrowth, rssGrowth >> 10);
      assertTrue(fdGrowth <= 2, "open files grew by " + fdGrowth);
      assertTrue(pointerGrowth <= 16, "live native objects grew by " + pointerGrowth);
      assertTrue(rssGrowth < 32L << 20, "resident memory grew by " + (rssGrowth >> 10) + " KiB");
    }
  }

  private static long openFileDescriptors() throws Exception {
    try (var list = Files.list(Path.of("/proc/self/fd"))) {
      return list.count();
    }
  }
}
