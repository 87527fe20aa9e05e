package dev.xfer.data;

import dev.xfer.kernels.JpegIdct;
import dev.xfer.kernels.JpegKernel;
import dev.xfer.util.RegularFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Decodes an image file into an (H, W, 3) uint8 RGB tensor: JPEGs with libjpeg-turbo set up as
 * TensorFlow's {@code decode_jpeg} and the chosen {@link JpegIdct} ({@link JpegKernel}), every other
 * format with OpenCV. The format is recognised by
 * content (JPEG, PNG, BMP, TIFF, WebP, ...), never by extension; grayscale becomes three equal
 * channels, alpha is dropped (not blended), 16-bit samples become 8-bit ({@code round(v / 257)}-like
 * OpenCV conversion); EXIF orientation is ignored unless asked for (tfds ignores it, spec §4.4).
 *
 * <p>Every failure (unreadable, empty, unrecognised, truncated, undecodable) is a
 * {@link BadImageException} naming the file; OpenCV errors never escape as crashes. Thread-safe: the
 * only LibTorch calls are an allocation and no parallel kernels, so decode threads do not compete with
 * LibTorch's intra-op threads.
 */
public final class ImageDecoder {
  /** Width and height of a decodable image. */
  public record ImageInfo(int width, int height) {}

  private final boolean applyExifOrientation;
  private final JpegIdct jpegIdct;

  /** A decoder with TensorFlow's default JPEG IDCT ({@link JpegIdct#FAST}, the Keras pipeline's). */
  public ImageDecoder(boolean applyExifOrientation) {
    this(applyExifOrientation, JpegIdct.FAST);
  }

  /**
   * @param applyExifOrientation rotate/flip as the EXIF orientation tag says (tfds and Keras do not);
   *     such JPEGs are decoded by OpenCV, whose IDCT is the accurate one whatever {@code jpegIdct} says
   * @param jpegIdct the inverse DCT of JPEG decoding
   */
  public ImageDecoder(boolean applyExifOrientation, JpegIdct jpegIdct) {
    if (jpegIdct == null) throw new IllegalArgumentException("JPEG IDCT: expected fast or accurate, found null");
    this.applyExifOrientation = applyExifOrientation;
    this.jpegIdct = jpegIdct;
  }

  /** The inverse DCT this decoder uses for JPEGs. */
  public JpegIdct jpegIdct() {
    return jpegIdct;
  }

  /** Decodes {@code file}; an unusable file raises {@link BadImageException} naming it. */
  public Tensor decode(Path file) throws BadImageException {
    return decode(file, read(file));
  }

  /** Decodes in-memory file contents; {@code file} names them in errors. */
  public Tensor decode(Path file, byte[] bytes) throws BadImageException {
    Checked checked = check(file, bytes);
    if (checked.jpeg() != null && !applyExifOrientation) {
      try {
        return JpegKernel.decode(bytes, jpegIdct, checked.jpeg().height(), checked.jpeg().width());
      } catch (JpegKernel.DecodeException e) {
        throw new BadImageException(file, "JPEG decoder error: " + e.getMessage() + ", " + bytes.length + " bytes");
      }
    }
    try (Mat rgb = decodeMat(file, bytes, checked.format())) {
      return copyToTensor(rgb);
    }
  }

  private static Tensor copyToTensor(Mat rgb) {
    long h = rgb.rows();
    long w = rgb.cols();
    Tensor out = torch.empty(new long[] {h, w, 3}, new TensorOptions(ScalarType.Byte), new MemoryFormatOptional());
    try (BytePointer dst = new BytePointer(out.data_ptr()); BytePointer src = rgb.data()) {
      Pointer.memcpy(dst, src, h * w * 3);
    }
    return out;
  }

  /** Decodes {@code file} completely (the decode is the judge) and returns its size, without a tensor. */
  public ImageInfo inspect(Path file) throws BadImageException {
    byte[] bytes = read(file);
    Checked checked = check(file, bytes);
    if (checked.jpeg() != null && !applyExifOrientation) {
      try (Tensor rgb = decode(file, bytes)) {
        return new ImageInfo((int) rgb.size(1), (int) rgb.size(0));
      }
    }
    try (Mat rgb = decodeMat(file, bytes, checked.format())) {
      return new ImageInfo(rgb.cols(), rgb.rows());
    }
  }

  /**
   * The checks that need no decode (readable, a known image format, for JPEG a complete marker structure):
   * lets a command refuse a bad input, naming it, before it spends time on the good ones.
   */
  public static void checkStructure(Path file) throws BadImageException {
    check(file, read(file));
  }

  private static byte[] read(Path file) throws BadImageException {
    String notRegular = RegularFiles.problem(file);
    if (notRegular != null) throw new BadImageException(file, notRegular);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException | OutOfMemoryError e) {
      throw new BadImageException(file, "cannot read: " + e);
    }
    if (bytes.length == 0) throw new BadImageException(file, "empty file (0 bytes)");
    return bytes;
  }

  /** A recognised format, and for JPEG what its marker segments say (read once, used for the check and the decode). */
  private record Checked(ImageFormat format, JpegHeader jpeg) {}

  /**
   * The format of complete file contents that pass the structural checks. Only JPEG has one: libjpeg
   * "decodes" a truncated JPEG into grey rows and reports success, so truncation is caught here.
   */
  private static Checked check(Path file, byte[] bytes) throws BadImageException {
    if (bytes.length == 0) throw new BadImageException(file, "empty file (0 bytes)");
    ImageFormat format = ImageFormat.sniff(bytes, Math.min(bytes.length, ImageFormat.SNIFF_BYTES));
    if (format == null) {
      throw new BadImageException(file, "not an image: unrecognised content, "
          + ImageFormat.describeHead(bytes, bytes.length) + ", " + bytes.length + " bytes");
    }
    JpegHeader jpeg = format == ImageFormat.JPEG ? JpegHeader.read(bytes) : null;
    String problem = jpeg == null ? null : jpeg.structuralProblem(bytes);
    if (problem != null) throw new BadImageException(file, problem + ", " + bytes.length + " bytes");
    return new Checked(format, jpeg);
  }

  /** An 8-bit, 3-channel, continuous RGB Mat; the caller closes it. */
  private Mat decodeMat(Path file, byte[] bytes, ImageFormat format) throws BadImageException {
    Mat rgb = imdecode(file, bytes, format, null);
    if (!rgb.isContinuous()) {
      Mat dense = rgb.clone();
      rgb.close();
      rgb = dense;
    }
    return requireRgb8(file, rgb);
  }

  /** OpenCV's decode into {@code target} (or a new image when null); never empty. */
  private Mat imdecode(Path file, byte[] bytes, ImageFormat format, Mat target) throws BadImageException {
    int flags = opencv_imgcodecs.IMREAD_COLOR_RGB;
    if (!applyExifOrientation) flags |= opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
    Mat rgb;
    try (BytePointer data = new BytePointer(bytes);
        Mat encoded = new Mat(1, bytes.length, opencv_core.CV_8UC1, data)) {
      rgb = target == null ? opencv_imgcodecs.imdecode(encoded, flags) : opencv_imgcodecs.imdecode(encoded, flags, target);
    } catch (RuntimeException e) {
      throw new BadImageException(file, format + " decoder error: " + firstLine(e.getMessage()));
    }
    if (rgb == null || rgb.isNull() || rgb.empty()) {
      if (rgb != null) rgb.close();
      throw new BadImageException(file, "looks like " + format + " but OpenCV cannot decode it "
          + "(corrupt, truncated or an unsupported variant), " + bytes.length + " bytes");
    }
    return rgb;
  }

  private static Mat requireRgb8(Path file, Mat rgb) throws BadImageException {
    if (rgb.type() != opencv_core.CV_8UC3) {
      int type = rgb.type();
      rgb.close();
      throw new BadImageException(file, "decoded to unexpected OpenCV type " + type + " (expected 8-bit, 3 channels)");
    }
    return rgb;
  }

  private static String firstLine(String s) {
    if (s == null) return "(no message)";
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }
}
