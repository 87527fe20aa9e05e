package dev.xfer.data;

import dev.xfer.kernels.PreprocessKernel;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.FiniteCheck;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.io.Npy;
import dev.xfer.model.io.NpyArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/** Images to run through a network ({@code xfer embed}'s inputs), preprocessed one batch at a time. */
public interface InputImages {
  long count();

  /** Height and width of the batches' images. */
  int height();

  int width();

  /** Images {@code start .. start + n - 1} as a float32 (n, 3, H, W) batch. */
  Tensor batch(long start, long n) throws BadImageException;

  /**
   * A .npy array: float32 (N, 3, H, W) used as it is (already preprocessed; non-finite values refused unless
   * {@code allowNonFinite}), or uint8 (N, H, W, 3) resized and normalised by {@code pre}.
   */
  static InputImages fromNpy(Path file, Preprocessing pre, boolean allowNonFinite) throws Exception {
    NpyArray array = Npy.read(file);
    long[] s = array.shape();
    if (array.floats() != null && s.length == 4 && s[1] == 3) {
      String nonFinite = FiniteCheck.firstNonFiniteItem(array.floats(), s[0]);
      if (nonFinite != null && !allowNonFinite) {
        throw new IllegalArgumentException("--input: " + file + ": " + nonFinite + "; inputs must be finite (--allow-nonfinite to embed it anyway)");
      }
      if (nonFinite != null) System.err.println("warning: --input: " + file + ": " + nonFinite);
      Tensor all = Tensors.ofFloats(array.floats(), s);
      return new InputImages() {
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
      return new InputImages() {
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

  /** Image files, decoded, resized and normalised by {@code pre} a batch at a time. */
  static InputImages fromImages(List<Path> files, Preprocessing pre) {
    ImageDecoder decoder = new ImageDecoder(false, pre.jpegIdct());
    return new InputImages() {
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
