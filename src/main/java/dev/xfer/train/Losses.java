package dev.xfer.train;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Training losses on logits. */
public final class Losses {
  private Losses() {}

  /**
   * Mean sparse categorical cross-entropy of (N, K) logits against (N) labels with label smoothing
   * {@code epsilon} (Keras / PyTorch): targets {@code (1 - eps) * onehot + eps / K}, so the loss is
   * {@code (1 - eps) * nll + eps * mean_k(-log p_k)}. Epsilon 0 is plain cross-entropy.
   */
  public static Tensor crossEntropy(Tensor logits, Tensor labels, double epsilon) {
    Tensor logProbs = torch.log_softmax(logits, 1);
    Tensor nll = torch.nll_loss(logProbs, labels);
    if (epsilon == 0) return nll;
    Tensor uniform = logProbs.mean().neg(); // mean over batch of mean over classes of -log p
    return nll.mul(new Scalar(1 - epsilon)).add(uniform.mul(new Scalar(epsilon)));
  }
}
