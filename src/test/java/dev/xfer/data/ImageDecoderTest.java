package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.testing.PointerScopeExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Decoding: every input kind becomes (H, W, 3) uint8 RGB with the right values; bad files name themselves. */
@ExtendWith(PointerScopeExtension.class)
class ImageDecoderTest {
  @TempDir Path dir;
  private final ImageDecoder decoder = new ImageDecoder(false);

  private byte[] decode(Path file, long h, long w) throws BadImageException {
    return decode(decoder, file, h, w);
  }

  private static byte[] decode(ImageDecoder decoder, Path file, long h, long w) throws BadImageException {
    Tensor t = decoder.decode(file);
    assertEquals(3, t.dim());
    assertArrayEquals(new long[] {h, w, 3}, new long[] {t.size(0), t.size(1), t.size(2)});
    return TestImages.bytes(t);
  }

  @Test
  void pureRedPngIsRedInRgbOrder() throws Exception {
    Path f = TestImages.writeRgb(dir.resolve("red.png"), TestImages.solidRgb(5, 7, 255, 0, 0), 5, 7);
    byte[] px = decode(f, 5, 7);
    for (int i = 0; i < px.length; i += 3) {
      assertEquals(255, px[i] & 0xff, "R");
      assertEquals(0, px[i + 1] & 0xff, "G");
      assertEquals(0, px[i + 2] & 0xff, "B");
    }
  }

  @Test
  void losslessFormatsRoundTripExactly() throws Exception {
    byte[] rgb = TestImages.randomRgb(new Random(1), 9, 11);
    for (String ext : new String[] {"png", "bmp", "tiff", "webp"}) {
      Path f = ext.equals("webp")
          ? TestImages.writeRgb(dir.resolve("x." + ext), rgb, 9, 11, org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_WEBP_QUALITY, 101)
          : TestImages.writeRgb(dir.resolve("x." + ext), rgb, 9, 11);
      assertArrayEquals(rgb, decode(f, 9, 11), ext);
    }
  }

  @Test
  void jpegIsCloseToItsSource() throws Exception {
    byte[] rgb = TestImages.solidRgb(16, 16, 200, 40, 90);
    Path f = dir.resolve("c.jpg");
    Files.write(f, TestImages.jpegBytes(rgb, 16, 16, 95));
    byte[] px = decode(f, 16, 16);
    for (int i = 0; i < px.length; i++) assertTrue(Math.abs((px[i] & 0xff) - (rgb[i] & 0xff)) <= 3, "channel " + i % 3);
  }

  @Test
  void jpegAccurateIdctMatchesOpenCvsOwnDecode() throws Exception {
    // colour and gray JPEGs of odd, even and non-square sizes: xfer decodes into the tensor's memory
    // (size from the frame header); OpenCV's plain imdecode (accurate IDCT) is the oracle
    ImageDecoder accurate = new ImageDecoder(false, dev.xfer.kernels.JpegIdct.ACCURATE);
    int[][] sizes = {{37, 53, 3}, {64, 48, 3}, {1, 1, 3}, {29, 17, 1}, {300, 401, 3}};
    for (int[] s : sizes) {
      int h = s[0], w = s[1], channels = s[2];
      byte[] px = channels == 3 ? TestImages.smoothRgb(new Random(h * 31 + w), h, w) : TestImages.randomRgb(new Random(w), h, w);
      Path f = channels == 3
          ? Files.write(dir.resolve("c" + h + "x" + w + ".jpg"), TestImages.jpegBytes(px, h, w, 90))
          : TestImages.writeRaw8(dir.resolve("g" + h + "x" + w + ".jpg"), Arrays.copyOf(px, h * w), h, w, 1);
      byte[] bytes = Files.readAllBytes(f);
      JpegHeader header = JpegHeader.read(bytes);
      assertEquals(w, header.width(), f.toString());
      assertEquals(h, header.height(), f.toString());
      assertEquals(channels, header.components(), f.toString());
      assertArrayEquals(TestImages.openCvRgb(bytes), decode(accurate, f, h, w), f.toString());
    }
  }

  @Test
  void jpegHeaderFindsScanAfterMetadataAndNamesCorruption() throws Exception {
    byte[] jpeg = TestImages.jpegBytes(TestImages.solidRgb(8, 8, 1, 2, 3), 8, 8, 90);
    // an APP1 segment holding a complete embedded JPEG (as EXIF thumbnails do) must be skipped whole
    byte[] thumb = TestImages.jpegBytes(TestImages.solidRgb(2, 2, 9, 9, 9), 2, 2, 50);
    byte[] withApp1 = new byte[jpeg.length + thumb.length + 4];
    withApp1[0] = (byte) 0xFF;
    withApp1[1] = (byte) 0xD8;
    withApp1[2] = (byte) 0xFF;
    withApp1[3] = (byte) 0xE1;
    withApp1[4] = (byte) ((thumb.length + 2) >> 8);
    withApp1[5] = (byte) (thumb.length + 2);
    System.arraycopy(thumb, 0, withApp1, 6, thumb.length);
    System.arraycopy(jpeg, 2, withApp1, 6 + thumb.length, jpeg.length - 2);
    JpegHeader plain = JpegHeader.read(jpeg);
    JpegHeader wrapped = JpegHeader.read(withApp1);
    assertEquals(plain.firstScan() + thumb.length + 4, wrapped.firstScan());
    assertEquals(8, wrapped.width());
    assertEquals(null, wrapped.structuralProblem(withApp1));
    // cut inside the main image's data: the thumbnail's end marker lies before the scan, so truncated
    byte[] cut = Arrays.copyOf(withApp1, withApp1.length - 3);
    assertTrue(JpegHeader.read(cut).structuralProblem(cut).startsWith("truncated JPEG"));
    byte[] garbage = jpeg.clone();
    garbage[2] = 0x00; // where the first marker after SOI should be
    assertTrue(JpegHeader.read(garbage).problem().contains("expected a marker at byte 2"));
  }

  @Test
  void grayscaleBecomesThreeEqualChannels() throws Exception {
    byte[] grey = new byte[4 * 6];
    for (int i = 0; i < grey.length; i++) grey[i] = (byte) (i * 10);
    byte[] px = decode(TestImages.writeRaw8(dir.resolve("g.png"), grey, 4, 6, 1), 4, 6);
    for (int i = 0; i < grey.length; i++) {
      for (int c = 0; c < 3; c++) assertEquals(grey[i], px[3 * i + c]);
    }
  }

  @Test
  void alphaIsDroppedNotBlended() throws Exception {
    byte[] bgra = new byte[2 * 3 * 4];
    for (int i = 0; i < 6; i++) {
      bgra[4 * i] = 30; // B
      bgra[4 * i + 1] = 20; // G
      bgra[4 * i + 2] = (byte) 250; // R
      bgra[4 * i + 3] = (byte) (i * 40); // alpha, including fully transparent
    }
    byte[] px = decode(TestImages.writeRaw8(dir.resolve("a.png"), bgra, 2, 3, 4), 2, 3);
    for (int i = 0; i < 6; i++) assertArrayEquals(new byte[] {(byte) 250, 20, 30}, Arrays.copyOfRange(px, 3 * i, 3 * i + 3));
  }

  @Test
  void sixteenBitBecomesEightBit() throws Exception {
    // BGR samples; OpenCV maps 16-bit v to 8-bit v / 256 (values chosen to be exact: no rounding question)
    short[] bgr = {(short) 0xFFFF, (short) 0x8000, 0x0000, 0x1200, (short) 0xAB00, 0x0100};
    byte[] px = decode(TestImages.write16(dir.resolve("d.png"), bgr, 1, 2), 1, 2);
    assertArrayEquals(new byte[] {0x00, (byte) 0x80, (byte) 0xFF, 0x01, (byte) 0xAB, 0x12}, px);
  }

  @Test
  void exifOrientationIgnoredByDefaultAppliedOnRequest() throws Exception {
    byte[] jpeg = TestImages.jpegBytes(TestImages.solidRgb(8, 16, 10, 200, 10), 8, 16, 90);
    Path f = dir.resolve("rotated.jpg");
    Files.write(f, withExifOrientation(jpeg, 6)); // 6 = rotate 90 degrees clockwise to display
    try (PointerScope scope = new PointerScope()) {
      Tensor ignored = decoder.decode(f);
      assertEquals(8, ignored.size(0));
      assertEquals(16, ignored.size(1));
      Tensor applied = new ImageDecoder(true).decode(f);
      assertEquals(16, applied.size(0));
      assertEquals(8, applied.size(1));
    }
  }

  @Test
  void badFilesRaiseWithPathAndReason() throws Exception {
    Path empty = Files.write(dir.resolve("empty.jpg"), new byte[0]);
    byte[] jpeg = TestImages.jpegBytes(TestImages.smoothRgb(new Random(2), 64, 64), 64, 64, 90);
    Path truncated = Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
    byte[] noise = new byte[500];
    new Random(3).nextBytes(noise);
    noise[0] = 0x11;
    Path random = Files.write(dir.resolve("random.jpg"), noise);
    Path text = Files.write(dir.resolve("notes.txt"), "hello, not an image\n".getBytes(StandardCharsets.US_ASCII));
    byte[] corrupt = jpeg.clone();
    for (int i = 4; i < corrupt.length - 2; i++) corrupt[i] = (byte) 0x42; // keep SOI, APP0 marker and EOI
    Path mangled = Files.write(dir.resolve("mangled.jpg"), corrupt);
    // structurally complete (SOI, SOS, EOI) but no frame header: only the decoder can tell
    byte[] hollow = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};
    Path undecodable = Files.write(dir.resolve("hollow.jpg"), hollow);
    assertBad(empty, "empty");
    assertBad(truncated, "truncated");
    assertBad(random, "not an image");
    assertBad(text, "(text)");
    assertBad(mangled, "no start-of-scan");
    assertBad(undecodable, "JPEG decoder error: libjpeg:");
    assertBad(dir.resolve("missing.png"), "no such file");
  }

  /** A frame header claiming 60000 x 60000 pixels is refused before any allocation, as TensorFlow refuses it. */
  @Test
  void jpegLargerThanTensorFlowsLimitIsRefused() throws Exception {
    byte[] jpeg = TestImages.jpegBytes(TestImages.solidRgb(8, 8, 1, 2, 3), 8, 8, 90);
    for (int i = 2; i + 8 < jpeg.length; i++) {
      if ((jpeg[i] & 0xff) == 0xFF && (jpeg[i + 1] & 0xff) == 0xC0) { // baseline start of frame: height, width at +5, +7
        jpeg[i + 5] = (byte) 0xEA;
        jpeg[i + 6] = (byte) 0x60;
        jpeg[i + 7] = (byte) 0xEA;
        jpeg[i + 8] = (byte) 0x60;
        break;
      }
    }
    assertBad(Files.write(dir.resolve("huge.jpg"), jpeg), "image too large: 60000x60000");
  }

  private void assertBad(Path file, String reasonPart) {
    BadImageException e = assertThrows(BadImageException.class, () -> {
      try (PointerScope scope = new PointerScope()) {
        decoder.decode(file);
      }
    });
    assertEquals(file, e.file());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.reason().contains(reasonPart), e.reason());
  }

  /** Inserts an APP1 Exif segment holding only an orientation tag right after SOI. */
  static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    byte[] tiff = {
      'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD at offset 8
      0, 1, // one entry
      0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT, count 1, value
      0, 0, 0, 0 // no next IFD
    };
    int len = 2 + 6 + tiff.length;
    byte[] app1 = new byte[2 + len];
    app1[0] = (byte) 0xFF;
    app1[1] = (byte) 0xE1;
    app1[2] = (byte) (len >> 8);
    app1[3] = (byte) len;
    System.arraycopy("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, app1, 4, 6);
    System.arraycopy(tiff, 0, app1, 10, tiff.length);
    byte[] out = new byte[jpeg.length + app1.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(app1, 0, out, 2, app1.length);
    System.arraycopy(jpeg, 2, out, 2 + app1.length, jpeg.length - 2);
    return out;
  }
}
