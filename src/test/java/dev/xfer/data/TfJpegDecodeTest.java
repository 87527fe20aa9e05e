package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.kernels.JpegIdct;
import dev.xfer.tf.ImageFixtures;
import dev.xfer.tf.ImageFixtures.Fixture;
import dev.xfer.tf.TfOracle;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TUint8;

/**
 * xfer's JPEG decode against TensorFlow 2.18's own decode_jpeg, uint8 for uint8: the fast IDCT equals
 * TF's default (what tfds and Keras use), the accurate one TF's INTEGER_ACCURATE, on JPEGs from three
 * encoders (baseline, progressive, optimised, restart markers, 4:4:4, 4:2:2, 4:2:0, grey, CMYK, 1x1),
 * and an EXIF orientation tag that both ignore.
 */
@Tag("tf")
class TfJpegDecodeTest {
  private static TfOracle tf;
  private static List<Fixture> jpegs;

  @BeforeAll
  static void setUp() throws Exception {
    tf = new TfOracle();
    jpegs = ImageFixtures.jpegs(tf);
  }

  @AfterAll
  static void tearDown() {
    tf.close();
  }

  @Test
  void fastIdctIsBitIdenticalToTensorFlowsDefaultDecode() throws Exception {
    ImageDecoder decoder = new ImageDecoder(false, JpegIdct.FAST);
    int differing = 0;
    for (Fixture f : jpegs) {
      byte[] ours = decode(decoder, f);
      assertArrayEquals(tfPixels(tf.decodeImage(f.bytes())), ours, f.name() + ": fast IDCT vs tf.io.decode_image");
      assertArrayEquals(tfPixels(tf.decodeJpeg(f.bytes(), "INTEGER_FAST")), ours, f.name() + ": vs INTEGER_FAST");
      if (!java.util.Arrays.equals(ours, decode(new ImageDecoder(false, JpegIdct.ACCURATE), f))) differing++;
    }
    // The fixtures must tell the IDCTs apart, or this test could not fail.
    assertTrue(differing >= jpegs.size() - 3, differing + " of " + jpegs.size() + " fixtures differ between the IDCTs");
  }

  @Test
  void accurateIdctIsBitIdenticalToTensorFlowsIntegerAccurate() throws Exception {
    ImageDecoder decoder = new ImageDecoder(false, JpegIdct.ACCURATE);
    for (Fixture f : jpegs) {
      assertArrayEquals(tfPixels(tf.decodeJpeg(f.bytes(), "INTEGER_ACCURATE")), decode(decoder, f),
          f.name() + ": accurate IDCT vs INTEGER_ACCURATE");
    }
  }

  /** An EXIF orientation tag (rotate 90 degrees) changes nothing, as in TF: same size, same pixels. */
  @Test
  void exifOrientationIsIgnoredAsTensorFlowIgnoresIt() throws Exception {
    Fixture plain = jpegs.get(0);
    Fixture rotated = new Fixture("exif-6", ImageDecoderTest.withExifOrientation(plain.bytes(), 6));
    byte[] ours = decode(new ImageDecoder(false, JpegIdct.FAST), rotated);
    assertArrayEquals(tfPixels(tf.decodeImage(rotated.bytes())), ours, "EXIF-tagged JPEG vs tf.io.decode_image");
    assertArrayEquals(decode(new ImageDecoder(false, JpegIdct.FAST), plain), ours, "the tag must not change the pixels");
  }

  private static byte[] decode(ImageDecoder decoder, Fixture f) throws BadImageException {
    try (Tensor t = decoder.decode(Path.of(f.name() + ".jpg"), f.bytes())) {
      assertEquals(3, t.size(2), f.name());
      return TestImages.bytes(t);
    }
  }

  static byte[] tfPixels(Operand<TUint8> image) {
    TUint8 t = image.asTensor();
    byte[] out = new byte[Math.toIntExact(t.size())];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }
}
