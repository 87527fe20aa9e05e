package dev.xfer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageShiftTest {
  /** One 3x3 image with pixels 10, 20, ..., 90 in row-major order. */
  private static final GrayImages RAMP = new GrayImages(3, 3, new byte[] {10, 20, 30, 40, 50, 60, 70, 80, 90}, new int[] {4});

  @Test
  void rotatingByNinetyDegreesMovesPixelsLikeAQuarterTurn() {
    GrayImages r = ImageShift.parse("rotate:90").apply(RAMP, 1.0, 0);
    // positive angles turn clockwise on screen (rows run down): [[10,20,30],[40,50,60],[70,80,90]] ->
    assertArrayEquals(new byte[] {70, 40, 10, 80, 50, 20, 90, 60, 30}, r.pixels());
    assertArrayEquals(new int[] {4}, r.labels());
  }

  @Test
  void zeroStrengthIsTheIdentityAndFullInversionIsTheNegative() {
    assertArrayEquals(RAMP.pixels(), ImageShift.parse("rotate:60").apply(RAMP, 0.0, 0).pixels());
    assertArrayEquals(RAMP.pixels(), ImageShift.parse("none").apply(RAMP, 1.0, 0).pixels());
    byte[] neg = ImageShift.parse("invert:1").apply(RAMP, 1.0, 0).pixels();
    for (int i = 0; i < neg.length; i++) assertEquals(255 - RAMP.pixels()[i], neg[i] & 0xff);
    byte[] half = ImageShift.parse("invert:1").apply(RAMP, 0.5, 0).pixels();
    for (byte b : half) assertEquals(128, b & 0xff, 1); // (p + 255 - p) / 2
  }

  @Test
  void brightnessClampsAndBlurKeepsAFlatImageFlat() {
    byte[] bright = ImageShift.parse("brightness:0.9").apply(RAMP, 1.0, 0).pixels();
    for (int i = 0; i < bright.length; i++) assertEquals(Math.min(255, RAMP.pixels()[i] + Math.round(0.9 * 255)), bright[i] & 0xff, 1);
    GrayImages flat = new GrayImages(4, 4, filled(16, (byte) 77), new int[] {0});
    assertArrayEquals(flat.pixels(), ImageShift.parse("blur:1.5").apply(flat, 1.0, 0).pixels());
  }

  @Test
  void noiseHasTheRequestedSpreadAndIsSeeded() {
    GrayImages grey = new GrayImages(64, 64, filled(64 * 64, (byte) 128), new int[] {0});
    ImageShift noise = ImageShift.parse("noise:0.1");
    byte[] a = noise.apply(grey, 1.0, 5).pixels();
    assertArrayEquals(a, noise.apply(grey, 1.0, 5).pixels());
    double sum = 0;
    double sq = 0;
    for (byte b : a) {
      double d = (b & 0xff) - 128;
      sum += d;
      sq += d * d;
    }
    double sd = Math.sqrt(sq / a.length - Math.pow(sum / a.length, 2));
    assertEquals(25.5, sd, 1.5, "sigma 0.1 of full scale");
  }

  @Test
  void rejectsAnUnknownSpecNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageShift.parse("twist:3"));
    assertTrue(e.getMessage().contains("twist:3") && e.getMessage().contains("rotate"), e.getMessage());
  }

  private static byte[] filled(int n, byte v) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, v);
    return b;
  }
}
