package dev.xfer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.xfer.train.EpochRecord;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
  @TempDir Path dir;

  @Test
  void writesPngsThatDecodeAndShowBothSeries() throws Exception {
    List<EpochRecord> h = List.of(
        new EpochRecord("head", 1, 1.0, 0.5, 0.9, 0.6, 0.1, 1, 10),
        new EpochRecord("head", 2, 0.7, 0.7, 0.8, 0.65, 0.09, 1, 10),
        new EpochRecord("finetune", 1, 0.5, 0.8, 0.6, 0.75, 0.01, 2, 5));
    Path curves = dir.resolve("curves.png");
    Charts.curves(h, "test run", curves);
    BufferedImage img = ImageIO.read(curves.toFile());
    assertEquals(1100, img.getWidth());
    // both series colours are present: the curves were drawn, not just axes
    assertNotEquals(0, count(img, 31, 119, 180), "training series");
    assertNotEquals(0, count(img, 255, 127, 14), "validation series");

    Path conf = dir.resolve("confusion.png");
    Charts.confusion(new long[][] {{5, 1}, {0, 4}}, List.of("daisy", "roses"), "confusion", conf);
    assertNotEquals(null, ImageIO.read(conf.toFile()));
  }

  private static int count(BufferedImage img, int r, int g, int b) {
    int rgb = (r << 16) | (g << 8) | b;
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++)
      for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) n++;
    return n;
  }
}
