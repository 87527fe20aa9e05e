package dev.xfer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.xfer.train.EpochRecord;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
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
    assertEquals(460, img.getHeight());
    // both series colours are present: the curves were drawn, not just axes
    assertNotEquals(0, count(img, 31, 119, 180), "training series");
    assertNotEquals(0, count(img, 255, 127, 14), "validation series");

    Path conf = dir.resolve("confusion.png");
    Charts.confusion(new long[][] {{5, 1}, {0, 4}}, List.of("daisy", "roses"), "confusion", conf);
    BufferedImage confusion = ImageIO.read(conf.toFile());
    assertEquals(150 + 2 * 90 + 40, confusion.getWidth());
    assertEquals(70 + 2 * 90 + 90, confusion.getHeight());
  }

  @Test
  void epochAxesTickAtWholeNumbersOnly() {
    JFreeChart chart = ChartImages.lines("loss", "epoch", "loss",
        List.of(new ChartImages.Line("training", new double[] {1.0, 0.7, 0.5}, java.awt.Color.BLUE)), 1, Double.NaN, Double.NaN);
    NumberAxis epochs = (NumberAxis) chart.getXYPlot().getDomainAxis();
    for (double wanted : new double[] {0.01, 0.3, 2.5, 7.7}) {
      double size = epochs.getStandardTickUnits().getCeilingTickUnit(wanted).getSize();
      assertEquals(Math.rint(size), size, "tick unit " + size + " for " + wanted);
    }
  }

  private static int count(BufferedImage img, int r, int g, int b) {
    int rgb = (r << 16) | (g << 8) | b;
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++)
      for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) n++;
    return n;
  }
}
