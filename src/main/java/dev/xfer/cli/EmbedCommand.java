package dev.xfer.cli;

import dev.xfer.data.ImageDecoder;
import dev.xfer.data.InputImages;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.Xception;
import dev.xfer.model.io.Npy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
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
      InputImages source = inputs.npy != null ? InputImages.fromNpy(inputs.npy, pre, weights.allowNonFinite)
          : InputImages.fromImages(inputs.images, pre);
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
}
