package dev.xfer.tf;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.tensorflow.op.image.EncodeJpeg;

/**
 * Encoded image files made by the tests: JPEGs from three encoders (OpenCV's libjpeg-turbo, Java's
 * ImageIO, TensorFlow's encode_jpeg) with various settings, and PNG, BMP and GIF variants. The
 * content is photo-like (smooth waves, edges and noise), so that the two IDCTs give different pixels.
 */
public final class ImageFixtures {
  private ImageFixtures() {}

  /** One encoded file. */
  public record Fixture(String name, byte[] bytes) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Photo-like RGB pixels, (H, W, 3) row-major. */
  public static byte[] photoRgb(long seed, int h, int w) {
    Random rng = new Random(seed);
    double a = rng.nextDouble() * 6;
    double b = rng.nextDouble() * 6;
    byte[] px = new byte[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean edge = ((x / 13) + (y / 9)) % 3 == 0;
        for (int c = 0; c < 3; c++) {
          double v = 127.5 + 90 * Math.sin(a + x * 0.07 * (c + 1)) * Math.cos(b + y * 0.05 * (3 - c))
              + (edge ? 40 : -20) + rng.nextInt(24);
          px[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
        }
      }
    }
    return px;
  }

  /**
   * JPEGs of several encoders and settings: baseline and progressive, optimised Huffman tables,
   * restart markers, 4:4:4, 4:2:2, 4:2:0, grey, CMYK (Adobe), 1x1.
   */
  public static List<Fixture> jpegs(TfOracle tf) throws IOException {
    List<Fixture> out = new ArrayList<>();
    int q = opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
    int sampling = opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR;
    out.add(new Fixture("opencv-420-q90-500x375", openCv(".jpg", photoRgb(1, 375, 500), 375, 500, 3, q, 90)));
    out.add(new Fixture("opencv-444-q95-320x240", openCv(".jpg", photoRgb(2, 240, 320), 240, 320, 3, q, 95,
        sampling, opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_444)));
    out.add(new Fixture("opencv-422-q80-257x129", openCv(".jpg", photoRgb(3, 129, 257), 129, 257, 3, q, 80,
        sampling, opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_422)));
    out.add(new Fixture("opencv-progressive-q85-640x480", openCv(".jpg", photoRgb(4, 480, 640), 480, 640, 3, q, 85,
        opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE, 1)));
    out.add(new Fixture("opencv-q75-131x97", openCv(".jpg", photoRgb(5, 97, 131), 97, 131, 3, q, 75)));
    out.add(new Fixture("opencv-gray-q90-99x67", openCv(".jpg", grey(photoRgb(6, 67, 99)), 67, 99, 1, q, 90)));
    out.add(new Fixture("opencv-1x1", openCv(".jpg", photoRgb(7, 1, 1), 1, 1, 3, q, 90)));
    out.add(new Fixture("opencv-restart-markers-optimized-q88-203x151", openCv(".jpg", photoRgb(12, 151, 203), 151, 203, 3,
        q, 88, opencv_imgcodecs.IMWRITE_JPEG_RST_INTERVAL, 4, opencv_imgcodecs.IMWRITE_JPEG_OPTIMIZE, 1)));
    out.add(new Fixture("imageio-420-q80-301x203", imageIoJpeg(photoRgb(8, 203, 301), 203, 301, 0.8f)));
    out.add(new Fixture("imageio-cmyk-q90-120x88", imageIoCmykJpeg(photoRgb(9, 88, 120), 88, 120)));
    out.add(new Fixture("tf-444-progressive-q70-77x55", tf.encodeJpeg(photoRgb(10, 55, 77), 55, 77,
        EncodeJpeg.quality(70L), EncodeJpeg.chromaDownsampling(false), EncodeJpeg.progressive(true))));
    out.add(new Fixture("tf-420-optimized-q92-224x224", tf.encodeJpeg(photoRgb(11, 224, 224), 224, 224,
        EncodeJpeg.quality(92L), EncodeJpeg.optimizeSize(true))));
    return out;
  }

  /** Other formats: PNG 8-bit RGB, 16-bit RGB, grey and RGBA; BMP; a two-frame GIF (tfds takes frame 0). */
  public static List<Fixture> others() throws IOException {
    List<Fixture> out = new ArrayList<>();
    int h = 61;
    int w = 83;
    byte[] rgb = photoRgb(20, h, w);
    out.add(new Fixture("png-rgb8", openCv(".png", rgb, h, w, 3)));
    short[] deep = new short[h * w * 3];
    Random rng = new Random(21);
    for (int i = 0; i < deep.length; i++) deep[i] = (short) ((rgb[i] & 0xff) * 257 + rng.nextInt(257) - 128);
    out.add(new Fixture("png-rgb16", openCv16(deep, h, w)));
    out.add(new Fixture("png-gray8", openCv(".png", grey(rgb), h, w, 1)));
    byte[] rgba = new byte[h * w * 4];
    for (int i = 0; i < h * w; i++) {
      System.arraycopy(rgb, 3 * i, rgba, 4 * i, 3);
      rgba[4 * i + 3] = (byte) (i * 7);
    }
    out.add(new Fixture("png-rgba8", openCv(".png", rgba, h, w, 4)));
    out.add(new Fixture("bmp-rgb24", openCv(".bmp", rgb, h, w, 3)));
    out.add(new Fixture("gif-first-frame", gif(h, w)));
    return out;
  }

  private static byte[] grey(byte[] rgb) {
    byte[] g = new byte[rgb.length / 3];
    for (int i = 0; i < g.length; i++) g[i] = (byte) (((rgb[3 * i] & 0xff) * 2 + (rgb[3 * i + 1] & 0xff) * 5 + (rgb[3 * i + 2] & 0xff)) / 8);
    return g;
  }

  /** OpenCV imencode of RGB (3), RGBA (4) or grey (1) pixels; OpenCV wants BGR(A), so channels are swapped. */
  private static byte[] openCv(String ext, byte[] px, int h, int w, int channels, int... params) {
    byte[] ordered = px.clone();
    if (channels >= 3) {
      for (int i = 0; i < h * w; i++) {
        ordered[channels * i] = px[channels * i + 2];
        ordered[channels * i + 2] = px[channels * i];
      }
    }
    try (Mat m = new Mat(h, w, opencv_core.CV_8UC(channels))) {
      m.data().put(ordered);
      return imencode(ext, m, params);
    }
  }

  private static byte[] openCv16(short[] rgb, int h, int w) {
    short[] bgr = rgb.clone();
    for (int i = 0; i < h * w; i++) {
      bgr[3 * i] = rgb[3 * i + 2];
      bgr[3 * i + 2] = rgb[3 * i];
    }
    try (Mat m = new Mat(h, w, opencv_core.CV_16UC3)) {
      new ShortPointer(m.data()).put(bgr);
      return imencode(".png", m);
    }
  }

  private static byte[] imencode(String ext, Mat m, int... params) {
    try (BytePointer buf = new BytePointer(); IntPointer p = new IntPointer(params)) {
      if (!opencv_imgcodecs.imencode(ext, m, buf, p)) throw new IllegalStateException("OpenCV cannot encode " + ext);
      byte[] out = new byte[(int) buf.capacity()];
      buf.get(out);
      return out;
    }
  }

  private static byte[] imageIoJpeg(byte[] rgb, int h, int w, float quality) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < h * w; i++) {
      bgr[3 * i] = rgb[3 * i + 2];
      bgr[3 * i + 1] = rgb[3 * i + 1];
      bgr[3 * i + 2] = rgb[3 * i];
    }
    return writeJpeg(new IIOImage(img, null, null), quality);
  }

  /** ImageIO writes a 4-band raster as a four-component (CMYK-family) JPEG with an Adobe marker. */
  private static byte[] imageIoCmykJpeg(byte[] rgb, int h, int w) throws IOException {
    WritableRaster raster = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = (y * w + x) * 3;
        int r = rgb[i] & 0xff;
        int g = rgb[i + 1] & 0xff;
        int b = rgb[i + 2] & 0xff;
        int k = 255 - Math.max(r, Math.max(g, b));
        raster.setPixel(x, y, new int[] {255 - r, 255 - g, 255 - b, k});
      }
    }
    return writeJpeg(new IIOImage(raster, null, null), 0.9f);
  }

  private static byte[] writeJpeg(IIOImage image, float quality) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, image, param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** A GIF with two different frames (palette of 64 colours); decoders must return the first. */
  private static byte[] gif(int h, int w) throws IOException {
    byte[] r = new byte[64];
    byte[] g = new byte[64];
    byte[] b = new byte[64];
    for (int i = 0; i < 64; i++) {
      r[i] = (byte) (i * 4);
      g[i] = (byte) (255 - i * 3);
      b[i] = (byte) ((i * 37) & 0xff);
    }
    IndexColorModel palette = new IndexColorModel(8, 64, r, g, b);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(stream);
      writer.prepareWriteSequence(null);
      for (int frame = 0; frame < 2; frame++) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, palette);
        byte[] idx = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) idx[y * w + x] = (byte) ((x / 5 + y / 3 + frame * 17) % 64);
        }
        writer.writeToSequence(new IIOImage(img, null, null), null);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
