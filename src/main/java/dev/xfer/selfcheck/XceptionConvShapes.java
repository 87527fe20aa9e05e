package dev.xfer.selfcheck;

import dev.xfer.model.Xception;
import dev.xfer.model.XceptionBlock;
import dev.xfer.model.XceptionConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The distinct convolutions an Xception-family network runs at one input size, in forward order. */
public final class XceptionConvShapes {
  private XceptionConvShapes() {}

  /** Every distinct (channels, kernel, stride, groups, map size) of {@code config} at {@code imageSize} square inputs. */
  public static List<ConvShape> of(XceptionConfig config, int imageSize) {
    return of(config, imageSize, imageSize);
  }

  /** As {@link #of(XceptionConfig, int)} for {@code height} x {@code width} inputs. */
  public static List<ConvShape> of(XceptionConfig config, int height, int width) {
    XceptionConfig.checkInputSize(height, width);
    Set<ConvShape> shapes = new LinkedHashSet<>();
    int c32 = config.channels(32);
    int c64 = config.channels(64);
    ConvShape conv1 = new ConvShape(3, c32, 3, 2, 0, 1, height, width);
    ConvShape conv2 = new ConvShape(c32, c64, 3, 1, 0, 1, conv1.outHeight(), conv1.outWidth());
    shapes.add(conv1);
    shapes.add(conv2);
    int h = conv2.outHeight();
    int w = conv2.outWidth();
    for (XceptionBlock.Spec spec : Xception.blockSpecs(config)) {
      for (int[] inOut : spec.separableChannels()) separable(shapes, inOut[0], inOut[1], h, w);
      if (spec.in() != spec.out() || spec.stride() != 1) {
        shapes.add(new ConvShape(spec.in(), spec.out(), 1, spec.stride(), 0, 1, h, w));
      }
      if (spec.stride() != 1) { // max-pool 3x3/2 (either padding) and the 1x1/2 shortcut agree: ceil(size / 2)
        h = (h + 1) / 2;
        w = (w + 1) / 2;
      }
    }
    separable(shapes, config.channels(1024), config.channels(1536), h, w);
    separable(shapes, config.channels(1536), config.featureChannels(), h, w);
    return List.copyOf(shapes);
  }

  private static void separable(Set<ConvShape> shapes, int in, int out, int h, int w) {
    shapes.add(new ConvShape(in, in, 3, 1, 1, in, h, w));
    shapes.add(new ConvShape(in, out, 1, 1, 0, 1, h, w));
  }
}
