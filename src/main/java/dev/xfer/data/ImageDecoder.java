package dev.xfer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Decodes an image file with OpenCV into an (H, W, 3) uint8 RGB tensor. The format is recognised by
 * content (JPEG, PNG, BMP, TIFF, WebP, ...); grayscale, alpha and 16-bit images become 8-bit RGB;
 * EXIF orientation is ignored unless asked for (tfds ignores it).
 */
public final class ImageDecoder {
  private final boolean applyExifOrientation;

  public ImageDecoder(boolean applyExifOrientation) {
    this.applyExifOrientation = applyExifOrientation;
  }

  /** Decodes {@code file}; an unreadable or undecodable file raises {@link BadImageException} naming it. */
  public Tensor decode(Path file) throws BadImageException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BadImageException(file, "cannot read: " + e.getMessage());
    }
    if (bytes.length == 0) throw new BadImageException(file, "empty file (0 bytes)");
    return decode(file, bytes);
  }

  /** Decodes in-memory file contents; {@code file} names them in errors. */
  public Tensor decode(Path file, byte[] bytes) throws BadImageException {
    int flags = opencv_imgcodecs.IMREAD_COLOR;
    if (!applyExifOrientation) flags |= opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
    try (BytePointer data = new BytePointer(bytes);
        Mat encoded = new Mat(1, bytes.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, data);
        Mat bgr = opencv_imgcodecs.imdecode(encoded, flags)) {
      if (bgr == null || bgr.empty()) {
        throw new BadImageException(file, "not a decodable image (corrupt, truncated or unsupported format)");
      }
      try (Mat rgb = new Mat()) {
        opencv_imgproc.cvtColor(bgr, rgb, opencv_imgproc.COLOR_BGR2RGB);
        long h = rgb.rows();
        long w = rgb.cols();
        return torch.from_blob(rgb.data(), new long[] {h, w, 3}, new TensorOptions(ScalarType.Byte)).clone();
      }
    } catch (RuntimeException e) {
      throw new BadImageException(file, "decoder error: " + e.getMessage());
    }
  }
}
