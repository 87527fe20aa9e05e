package dev.xfer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Image fixtures written with OpenCV by the tests themselves (no files are shipped). */
final class TestImages {
  private TestImages() {}

  /** Random RGB pixels, HWC. */
  static byte[] randomRgb(Random rng, int h, int w) {
    byte[] px = new byte[h * w * 3];
    rng.nextBytes(px);
    return px;
  }

  /** A smooth, photo-like RGB image (compresses like a photo, unlike noise). */
  static byte[] smoothRgb(Random rng, int h, int w) {
    byte[] px = new byte[h * w * 3];
    double a = rng.nextDouble() * 6;
    double b = rng.nextDouble() * 6;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          double v = 127.5 + 100 * Math.sin(a + x * 0.05 * (c + 1)) * Math.cos(b + y * 0.03 * (3 - c)) + rng.nextInt(16);
          px[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
        }
      }
    }
    return px;
  }

  /** A solid colour image. */
  static byte[] solidRgb(int h, int w, int r, int g, int b) {
    byte[] px = new byte[h * w * 3];
    for (int i = 0; i < h * w; i++) {
      px[3 * i] = (byte) r;
      px[3 * i + 1] = (byte) g;
      px[3 * i + 2] = (byte) b;
    }
    return px;
  }

  /** Writes RGB pixels with OpenCV (which takes BGR) to {@code file}; the extension picks the format. */
  static Path writeRgb(Path file, byte[] rgb, int h, int w, int... params) {
    byte[] bgr = new byte[rgb.length];
    for (int i = 0; i < rgb.length; i += 3) {
      bgr[i] = rgb[i + 2];
      bgr[i + 1] = rgb[i + 1];
      bgr[i + 2] = rgb[i];
    }
    return write(file, mat8(bgr, h, w, 3), params);
  }

  /** Writes raw 8-bit pixels with {@code channels} channels (1 grey, 4 BGRA), OpenCV order. */
  static Path writeRaw8(Path file, byte[] px, int h, int w, int channels) {
    return write(file, mat8(px, h, w, channels));
  }

  /** Writes a 16-bit, 3-channel PNG from BGR samples. */
  static Path write16(Path file, short[] bgr, int h, int w) {
    Mat m = new Mat(h, w, opencv_core.CV_16UC3);
    new ShortPointer(m.data()).put(bgr);
    return write(file, m);
  }

  /** A JPEG's bytes, encoded by OpenCV at {@code quality}. */
  static byte[] jpegBytes(byte[] rgb, int h, int w, int quality) throws IOException {
    Path tmp = Files.createTempFile("xfer", ".jpg");
    try {
      writeRgb(tmp, rgb, h, w, opencv_imgcodecs.IMWRITE_JPEG_QUALITY, quality);
      return Files.readAllBytes(tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** OpenCV's own decode of file contents to RGB bytes (the oracle for xfer's decoder). */
  static byte[] openCvRgb(byte[] file) {
    try (BytePointer p = new BytePointer(file);
        Mat encoded = new Mat(1, file.length, opencv_core.CV_8UC1, p);
        Mat rgb = opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_COLOR_RGB)) {
      byte[] out = new byte[(int) (rgb.total() * rgb.channels())];
      rgb.data().capacity(out.length).get(out);
      return out;
    }
  }

  /** A (H, W, 3) uint8 tensor of {@code rgb}. */
  static Tensor tensor(byte[] rgb, int h, int w) {
    try (BytePointer p = new BytePointer(rgb)) {
      return torch.from_blob(p, new long[] {h, w, 3}, new TensorOptions(ScalarType.Byte)).clone();
    }
  }

  /** A uint8 tensor's bytes. */
  static byte[] bytes(Tensor t) {
    Tensor c = t.contiguous();
    byte[] out = new byte[(int) c.numel()];
    new BytePointer(c.data_ptr()).capacity(out.length).get(out);
    return out;
  }

  private static Mat mat8(byte[] px, int h, int w, int channels) {
    Mat m = new Mat(h, w, opencv_core.CV_8UC(channels));
    m.data().put(px);
    return m;
  }

  private static Path write(Path file, Mat m, int... params) {
    try (m; IntPointer p = new IntPointer(params)) {
      if (!opencv_imgcodecs.imwrite(file.toString(), m, p)) throw new IllegalStateException("imwrite failed: " + file);
    }
    return file;
  }
}
