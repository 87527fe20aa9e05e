package dev.xfer.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.tf.ImageFixtures;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The size protocol of {@link JpegKernel}: a wrong or missing size guess still gives the right image. */
class JpegKernelTest {
  @Test
  void wrongOrMissingSizeGuessesGiveTheSameImage() throws Exception {
    int h = 21;
    int w = 34;
    byte[] jpeg = encode(ImageFixtures.photoRgb(3, h, w), h, w);
    try (PointerScope scope = new PointerScope()) {
      byte[] right = bytes(JpegKernel.decode(jpeg, JpegIdct.FAST, h, w), h, w);
      assertArrayEquals(right, bytes(JpegKernel.decode(jpeg, JpegIdct.FAST, 0, 0), h, w), "unknown size");
      assertArrayEquals(right, bytes(JpegKernel.decode(jpeg, JpegIdct.FAST, 5, 5), h, w), "buffer too small");
      assertArrayEquals(right, bytes(JpegKernel.decode(jpeg, JpegIdct.FAST, 40, 40), h, w), "buffer too large");
    }
    JpegKernel.DecodeException e = assertThrows(JpegKernel.DecodeException.class,
        () -> JpegKernel.decode(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}, JpegIdct.ACCURATE, 0, 0));
    assertTrue(e.getMessage().startsWith("libjpeg: "), e.getMessage());
  }

  private static byte[] bytes(Tensor t, int h, int w) {
    assertArrayEquals(new long[] {h, w, 3}, new long[] {t.size(0), t.size(1), t.size(2)});
    byte[] out = new byte[h * w * 3];
    new BytePointer(t.data_ptr()).capacity(out.length).get(out);
    return out;
  }

  private static byte[] encode(byte[] rgb, int h, int w) {
    try (Mat m = new Mat(h, w, opencv_core.CV_8UC3); BytePointer buf = new BytePointer()) {
      m.data().put(rgb);
      if (!opencv_imgcodecs.imencode(".jpg", m, buf)) throw new IllegalStateException("OpenCV cannot encode .jpg");
      byte[] out = new byte[(int) buf.capacity()];
      buf.get(out);
      return out;
    }
  }
}
