package dev.xfer.cli;

import dev.xfer.model.ModelFile;
import dev.xfer.model.Numerics;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

/** A tiny learnable image folder (class c is dominated by one colour channel) and a tiny model file for it. */
final class ColourFolder {
  private ColourFolder() {}

  /** {@code perClass} noisy 80x90 PNGs per class under {@code data/<class>/}; classes map to blue, green, red. */
  static Path write(Path data, List<String> classes, int perClass) throws Exception {
    Random rng = new Random(3);
    for (int c = 0; c < classes.size(); c++) {
      Path cls = Files.createDirectories(data.resolve(classes.get(c)));
      for (int i = 0; i < perClass; i++) {
        BufferedImage img = new BufferedImage(80, 90, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 90; y++) {
          for (int x = 0; x < 80; x++) {
            int[] rgb = {rng.nextInt(60), rng.nextInt(60), rng.nextInt(60)};
            rgb[2 - c] += 150; // class c is dominated by one channel
            img.setRGB(x, y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
          }
        }
        ImageIO.write(img, "png", cls.resolve("img" + i + ".png").toFile());
      }
    }
    return data;
  }

  /** A compact Xception (width 1/8, 1 middle block, 71 px) over {@code classes}, seed 1. */
  static Path tinyWeights(Path file, List<String> classes) {
    try (PointerScope scope = new PointerScope()) {
      torch.manual_seed(1);
      ModelFile.save(file, new Xception(new XceptionConfig(0.125, 1, classes.size(), Numerics.KERAS)), Preprocessing.keras(71), classes);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return file;
  }
}
