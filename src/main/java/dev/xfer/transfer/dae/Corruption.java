package dev.xfer.transfer.dae;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The denoising autoencoder's corruption of preprocessed images (N, 3, S, S): masking, where square
 * patches of {@code S / grid} pixels are set to 0 (mid-grey in Keras scaling) with probability
 * {@code maskProbability}, the same patches in every channel, then additive Gaussian noise of standard
 * deviation {@code noiseStd} (in the preprocessed scale). Random numbers come from LibTorch's global
 * generator, so {@code torch.manual_seed} makes it repeatable.
 */
public record Corruption(double maskProbability, double noiseStd, int grid) {
  public Corruption {
    if (!(maskProbability >= 0 && maskProbability < 1)) {
      throw new IllegalArgumentException("--mask: expected a probability in [0, 1), found " + maskProbability);
    }
    if (!(noiseStd >= 0)) throw new IllegalArgumentException("--noise: expected >= 0, found " + noiseStd);
    if (grid < 1) throw new IllegalArgumentException("mask grid: expected >= 1, found " + grid);
  }

  /** A corrupted copy of {@code x}; {@code x} is left alone. */
  public Tensor apply(Tensor x) {
    long n = x.size(0);
    Tensor keep = torch.bernoulli(torch.full(new long[] {n, 1, grid, grid}, new Scalar(1 - maskProbability)));
    Tensor mask = torch.upsample_nearest2d(keep, new long[] {x.size(2), x.size(3)});
    Tensor out = x.mul(mask);
    if (noiseStd > 0) out = out.add(torch.randn_like(x).mul(new Scalar(noiseStd)));
    return out;
  }
}
