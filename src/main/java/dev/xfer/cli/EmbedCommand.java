package dev.xfer.cli;

import dev.xfer.data.BadImageException;
import dev.xfer.data.ImageDecoder;
import dev.xfer.kernels.PreprocessKernel;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.FiniteCheck;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.Xception;
import dev.xfer.model.io.Npy;
import dev.xfer.model.io.NpyArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xfer embed}: pooled features (or classifier outputs) of images, as a .npy file. */
@Command(name = "embed", mixinStandardHelpOptions = true,
    description = "Run images through the network and write the global-average-pooled features (N, C) as a float32 .npy (NumPy format 1.0, little-endian, C order). Inputs: a float32 .npy of shape (N, 3, H, W) is used as is (already preprocessed); a uint8 .npy (N, H, W, 3) or image files are resized and normalised by the weights' own preprocessing.")
final class EmbedCommand implements Callable<Integer> {
  @Mixin WeightsOptions weights;

  static final class Inputs {
    @Option(names = "--input", paramLabel = "X.npy", description = "A float32 (N,3,H,W) or uint8 (N,H,W,3) .npy array.")
    Path npy;

    @Parameters(paramLabel = "IMAGES", arity = "1..*", description = "Image files (JPEG, PNG, BMP, TIFF, WebP).")
    List<Path> images;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Inputs inputs;

  @Option(names = "--out", required = true, paramLabel = "F.npy", description = "Output .npy file.")
  Path out;

  @Option(names = "--image-size", paramLabel = "N", description = "Resize images to N x N (default: the weights' own, 299 for Keras and timm).")
  Integer imageSize;

  @Option(names = "--logits", description = "Write the classifier's logits (N, K) instead of pooled features; needs weights with a top.")
  boolean logits;

  @Option(names = "--batch-size", defaultValue = "8", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Mixin MemoryFormatOption memoryFormatOption;

  @Override
  public Integer call() throws Exception {
    if (batchSize < 1) throw new IllegalArgumentException("--batch-size: expected at least 1, found " + batchSize);
    if (imageSize != null) ImageSizes.check(imageSize);
    long start = System.nanoTime();
    if (inputs.images != null) {
      for (Path f : inputs.images) ImageDecoder.checkStructure(f); // a bad file fails now, before any model work
    }
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      LoadedModel loaded = weights.load();
      Xception model = loaded.build(weights.weights.getFileName().toString());
      if (logits && !model.hasClassifier()) {
        throw new IllegalArgumentException("--logits: " + weights.weights.getFileName() + " has no classifier (include_top=False weights)");
      }
      Preprocessing pre = imageSize == null ? loaded.preprocessing() : loaded.preprocessing().withImageSize(imageSize);
      Source source = inputs.npy != null ? fromNpy(inputs.npy, pre, weights.allowNonFinite) : fromImages(inputs.images, pre);
      memoryFormatOption.applyOnCpu(model, source.height(), source.width());
      long count = source.count();
      if (count == 0) throw new IllegalArgumentException("--input: " + inputs.npy + " holds no images (N = 0)");
      float[] result = null;
      long width = 0;
      for (long i = 0; i < count; i += batchSize) {
        long n = Math.min(batchSize, count - i);
        // one scope per batch: the forward's activations are freed here, so memory stays flat however
        // many images there are (one scope around the loop kept every batch's: 5.9 GB for 16 images at 299)
        try (PointerScope batchScope = new PointerScope()) {
          Tensor output = model.forwardHead(model.forwardFeatures(source.batch(i, n)), !logits);
          if (result == null) {
            width = output.size(1);
            result = new float[Math.toIntExact(count * width)];
          }
          float[] values = Tensors.toFloatArray(output);
          System.arraycopy(values, 0, result, Math.toIntExact(i * width), values.length);
        }
      }
      Npy.writeFloat32(out, new long[] {count, width}, result);
      System.out.printf("wrote %s: %d x %d %s in %.2f s%n", out, count, width,
          logits ? "logits" : "pooled features", (System.nanoTime() - start) / 1e9);
    }
    return 0;
  }

  /** The inputs, preprocessed one batch at a time. */
  private interface Source {
    long count();

    /** Height and width of the batches' images. */
    int height();

    int width();

    /** Images {@code start .. start + n - 1} as a float32 (n, 3, H, W) batch. */
    Tensor batch(long start, long n) throws BadImageException;
  }

  private static Source fromNpy(Path file, Preprocessing pre, boolean allowNonFinite) throws Exception {
    NpyArray array = Npy.read(file);
    long[] s = array.shape();
    if (array.floats() != null && s.length == 4 && s[1] == 3) {
      String nonFinite = FiniteCheck.firstNonFiniteItem(array.floats(), s[0]);
      if (nonFinite != null && !allowNonFinite) {
        throw new IllegalArgumentException("--input: " + file + ": " + nonFinite + "; inputs must be finite (--allow-nonfinite to embed it anyway)");
      }
      if (nonFinite != null) System.err.println("warning: --input: " + file + ": " + nonFinite);
      Tensor all = Tensors.ofFloats(array.floats(), s);
      return new Source() {
        public long count() {
          return s[0];
        }

        public int height() {
          return (int) s[2];
        }

        public int width() {
          return (int) s[3];
        }

        public Tensor batch(long start, long n) {
          return all.narrow(0, start, n);
        }
      };
    }
    if (array.bytes() != null && s.length == 4 && s[3] == 3) {
      long per = s[1] * s[2] * 3;
      return new Source() {
        public long count() {
          return s[0];
        }

        public int height() {
          return pre.imageSize();
        }

        public int width() {
          return pre.imageSize();
        }

        public Tensor batch(long start, long n) {
          List<Tensor> images = new ArrayList<>();
          for (long i = start; i < start + n; i++) {
            byte[] pixels = java.util.Arrays.copyOfRange(array.bytes(), (int) (i * per), (int) ((i + 1) * per));
            try (BytePointer p = new BytePointer(pixels)) {
              images.add(torch.from_blob(p, new long[] {s[1], s[2], 3}, new TensorOptions(ScalarType.Byte)).clone());
            }
          }
          return PreprocessKernel.run(images, pre.imageSize(), pre.imageSize(), pre.normalization());
        }
      };
    }
    throw new IllegalArgumentException(file.getFileName() + ": expected float32 (N, 3, H, W) or uint8 (N, H, W, 3), found "
        + array.descr() + " " + java.util.Arrays.toString(s));
  }

  private static Source fromImages(List<Path> files, Preprocessing pre) {
    ImageDecoder decoder = new ImageDecoder(false, pre.jpegIdct());
    return new Source() {
      public long count() {
        return files.size();
      }

      public int height() {
        return pre.imageSize();
      }

      public int width() {
        return pre.imageSize();
      }

      public Tensor batch(long start, long n) throws BadImageException {
        List<Tensor> images = new ArrayList<>();
        for (Path f : files.subList((int) start, (int) (start + n))) images.add(decoder.decode(f));
        return PreprocessKernel.run(images, pre.imageSize(), pre.imageSize(), pre.normalization());
      }
    };
  }
}
