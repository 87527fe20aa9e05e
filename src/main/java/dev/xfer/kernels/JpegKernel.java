package dev.xfer.kernels;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * JPEG to an (H, W, 3) uint8 RGB tensor with the libjpeg-turbo inside libxfer_kernels, configured as
 * TensorFlow's {@code decode_jpeg(channels=3)}: fancy upsampling, no EXIF orientation, grayscale
 * replicated, CMYK converted with TF's formula, and the chosen {@link JpegIdct}. Thread-safe.
 */
public final class JpegKernel {
  /** Largest decoded image in bytes, TensorFlow's limit (decode_jpeg refuses H * W * 3 >= 2^29). */
  public static final long MAX_BYTES = 1L << 29;

  private JpegKernel() {}

  /** Why a JPEG could not be decoded: libjpeg's own message. */
  public static final class DecodeException extends Exception {
    DecodeException(String message) {
      super(message);
    }
  }

  /**
   * Decodes {@code bytes}. {@code height} and {@code width} are the expected size (from the frame
   * header), or 0 when unknown; a wrong guess costs a second header read, not a wrong result.
   */
  public static Tensor decode(byte[] bytes, JpegIdct idct, int height, int width) throws DecodeException {
    int code = idct == JpegIdct.FAST ? NativeKernels.XFER_JPEG_IDCT_FAST : NativeKernels.XFER_JPEG_IDCT_ACCURATE;
    try (BytePointer data = new BytePointer(bytes); IntPointer h = new IntPointer(1); IntPointer w = new IntPointer(1)) {
      long hw = (long) height * width;
      for (int attempt = 0; attempt < 2; attempt++) {
        if (hw * 3 >= MAX_BYTES) {
          throw new DecodeException("image too large: " + width + "x" + height + " pixels (TensorFlow refuses "
              + "images of 2^29 bytes and more)");
        }
        Tensor out = hw > 0 ? emptyImage(height, width) : null;
        long address = out == null ? 0 : out.data_ptr().address();
        int status = NativeKernels.xfer_jpeg_decode_rgb(data.address(), bytes.length, code, address,
            out == null ? 0 : hw * 3, h.address(), w.address());
        boolean sized = h.get() == height && w.get() == width;
        if (status == NativeKernels.XFER_OK && out != null && sized) return out;
        if (out != null) out.close();
        // another size than expected: decode again into a buffer of the size libjpeg reported
        boolean resize = (status == NativeKernels.XFER_ERR_BAD_SHAPE || status == NativeKernels.XFER_OK) && !sized;
        if (!resize || h.get() <= 0 || w.get() <= 0) {
          String why = NativeKernels.xfer_jpeg_last_error();
          throw new DecodeException(why.isEmpty() ? NativeKernels.xfer_status_string(status) : why);
        }
        height = h.get();
        width = w.get();
        hw = (long) height * width;
      }
      throw new DecodeException("libjpeg reported two different image sizes");
    }
  }

  private static Tensor emptyImage(int height, int width) {
    return torch.empty(new long[] {height, width, 3}, new TensorOptions(ScalarType.Byte), new MemoryFormatOptional());
  }
}
