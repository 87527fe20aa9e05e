package dev.xfer.transfer.dae;

import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A denoising autoencoder (Vincent et al. 2008) whose encoder is an Xception-family backbone without
 * classifier. The decoder is a light upsampling stack, discarded after pretraining: a 1x1 conv to 64
 * channels, then three rounds of bilinear upsampling (to 8, 16, 32 pixels) each followed by a 3x3 conv,
 * producing a {@value #OUTPUT_SIZE}x{@value #OUTPUT_SIZE} RGB reconstruction of the clean input.
 */
public final class DenoisingAutoencoder extends Module {
  /** Side of the reconstruction; the clean input is resized to it for the loss. */
  public static final int OUTPUT_SIZE = 32;

  private final Xception encoder;
  private final Conv2dImpl reduce;
  private final Conv2dImpl up8;
  private final Conv2dImpl up16;
  private final Conv2dImpl up32;

  /** A fresh encoder from {@code config} (its classifier is dropped) and a fresh decoder. */
  public DenoisingAutoencoder(XceptionConfig config) {
    encoder = register_module("encoder", new Xception(config.withNumClasses(0)));
    reduce = register_module("reduce", new Conv2dImpl(conv(config.featureChannels(), 64, 1)));
    up8 = register_module("up8", new Conv2dImpl(conv(64, 32, 3)));
    up16 = register_module("up16", new Conv2dImpl(conv(32, 16, 3)));
    up32 = register_module("up32", new Conv2dImpl(conv(16, 3, 3)));
  }

  public Xception encoder() {
    return encoder;
  }

  /** (N, 3, S, S) corrupted preprocessed images to (N, 3, 32, 32) reconstructions. */
  public Tensor forward(Tensor corrupted) {
    Tensor h = torch.relu(reduce.forward(encoder.forwardFeatures(corrupted)));
    h = torch.relu(up8.forward(torch.upsample_bilinear2d(h, new long[] {8, 8}, false)));
    h = torch.relu(up16.forward(torch.upsample_bilinear2d(h, new long[] {16, 16}, false)));
    return up32.forward(torch.upsample_bilinear2d(h, new long[] {OUTPUT_SIZE, OUTPUT_SIZE}, false));
  }

  /** The reconstruction target: the clean input resized to 32x32. */
  public static Tensor target(Tensor clean) {
    return torch.upsample_bilinear2d(clean, new long[] {OUTPUT_SIZE, OUTPUT_SIZE}, false);
  }

  private static Conv2dOptions conv(int in, int out, long k) {
    Conv2dOptions o = new Conv2dOptions(in, out, new LongPointer(k, k));
    o.padding().put(new LongPointer(k / 2, k / 2));
    return o;
  }
}
