package dev.xfer.model;

import dev.xfer.kernels.DepthwiseBackwardKernel;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A training forward pass cut into segments, so that the depthwise convolutions' backward pass can run
 * outside LibTorch's autograd. Each depthwise output and each residual block's input becomes a leaf of
 * its own; {@link #backward(Tensor)} runs the loss's backward pass to the last leaves, then walks the
 * cuts from last to first: a depthwise cut turns its output gradient into the input and weight gradients
 * and sends the input gradient on, a block cut sends its leaf's gradient into the segment before it.
 * Cutting at every block input keeps each segment's graph reached once: the shortcut and the main path
 * of a block meet in its input leaf before anything flows further back. With LibTorch's kernels behind the
 * cuts the gradients equal those of the one-piece backward pass bit for bit.
 *
 * <p>Set on a model with {@link Xception#cutWith} for one training forward pass, then call {@link #backward}
 * instead of the loss's own backward; the training steps do so where {@link #applies} holds.
 */
public final class GraphCuts {
  private static final long[] ONE = {1, 1};

  private final List<Cut> cuts = new ArrayList<>();

  /**
   * Whether {@code model}'s training steps run the depthwise convolutions' backward pass natively, through
   * graph cuts: a channels-last model on the CPU, on a host that has the kernel's instructions.
   */
  public static boolean applies(Xception model) {
    return model.channelsLast() && !model.parameters().get(0).is_cuda() && DepthwiseBackwardKernel.available();
  }

  /** New cuts for one training step of {@code model} where they {@link #applies apply}, else null (autograd in one piece). */
  public static GraphCuts forStep(Xception model) {
    return applies(model) ? new GraphCuts() : null;
  }

  /** {@code source} as a leaf of its own, its gradient sent into {@code source}'s graph in the backward pass. */
  Tensor block(Tensor source) {
    if (!source.requires_grad()) return source;
    BlockCut cut = new BlockCut(source);
    cuts.add(cut);
    return cut.leaf;
  }

  /** The depthwise convolution {@code conv} of {@code x}, its backward pass run by this object. */
  Tensor depthwise(Conv2dImpl conv, Tensor x) {
    Tensor weight = conv.weight();
    if (!x.requires_grad() && !weight.requires_grad()) return conv.forward(x);
    DepthwiseCut cut = new DepthwiseCut(x, weight);
    cuts.add(cut);
    return cut.leaf;
  }

  /** The loss's backward pass, segment by segment; every cut is then forgotten. */
  public void backward(Tensor loss) {
    try {
      loss.backward();
      for (int i = cuts.size() - 1; i >= 0; i--) cuts.get(i).runAndRelease();
    } finally {
      for (Cut c : cuts) c.release();
      cuts.clear();
    }
  }

  /** One cut: the tensors its backward step needs, held from the forward pass until that step has run. */
  private abstract static class Cut {
    private final List<Tensor> held = new ArrayList<>();

    final Tensor hold(Tensor t) {
      t.retainReference();
      held.add(t);
      return t;
    }

    abstract void backward();

    final void runAndRelease() {
      try (PointerScope scope = new PointerScope()) { // the step's gradients are freed as soon as it is done
        backward();
      } finally {
        release();
      }
    }

    final void release() {
      for (Tensor t : held) t.releaseReference();
      held.clear();
    }
  }

  /** A residual block's input: its gradient from the shortcut and the main path, sent into the block before. */
  private static final class BlockCut extends Cut {
    private final Tensor source;
    private final Tensor leaf;

    BlockCut(Tensor source) {
      this.source = hold(source);
      this.leaf = hold(source.detach());
      leaf.requires_grad_(true); // its return value is a reference that does not own the tensor
    }

    @Override
    void backward() {
      Tensor grad = new Tensor(leaf.grad()); // a handle of its own: grad() refers to the slot reset next
      leaf.mutable_grad().reset();
      if (grad.defined()) sendBack(source, grad);
    }
  }

  /**
   * A depthwise convolution: the forward pass by LibTorch (oneDNN) outside autograd, its output a leaf; the
   * backward pass by {@link DepthwiseBackwardKernel}.
   */
  private static final class DepthwiseCut extends Cut {
    private final Tensor input;
    private final Tensor weight;
    private final Tensor convInput;
    private final Tensor convWeight;
    private final Tensor leaf;
    private final boolean needInput;
    private final boolean needWeight;

    DepthwiseCut(Tensor x, Tensor weight) {
      input = hold(x);
      this.weight = hold(weight);
      needInput = x.requires_grad();
      needWeight = weight.requires_grad();
      // under CPU autocast the convolution runs in bf16, as autocast would run it
      boolean amp = !x.is_cuda() && torch.is_autocast_enabled(DeviceType.CPU);
      try (NoGradGuard noGrad = new NoGradGuard()) {
        convInput = hold(amp && x.scalar_type().intern() != ScalarType.BFloat16 ? x.to(ScalarType.BFloat16) : x.detach());
        convWeight = hold(amp ? weight.to(ScalarType.BFloat16) : weight.detach());
        leaf = hold(torch.conv2d(convInput, convWeight, new TensorOptional(), ONE, ONE, ONE, convInput.size(1)));
      }
      leaf.requires_grad_(true);
    }

    @Override
    void backward() {
      Tensor grad = new Tensor(leaf.grad()); // a handle of its own: grad() refers to the slot reset next
      leaf.mutable_grad().reset();
      if (!grad.defined()) return;
      Tensor[] g = DepthwiseBackwardKernel.gradients(grad, convInput, convWeight, needInput, needWeight);
      grad.close(); // the output gradient is spent: free it before the next segment's pass
      if (needWeight) accumulate(weight, g[1]);
      if (needInput) sendBack(input, g[0]);
    }
  }

  /**
   * Runs the backward pass of {@code source}'s graph from {@code grad} (accumulates it where {@code source} is a
   * leaf). Consumes {@code grad}: its handle is closed before the pass, so that the gradient's memory is freed as
   * soon as the pass is done with it rather than when the cut's scope closes.
   */
  private static void sendBack(Tensor source, Tensor grad) {
    Tensor g = grad.scalar_type().intern() == source.scalar_type().intern() ? grad : grad.to(source.scalar_type());
    if (source.is_leaf()) {
      accumulate(source, g);
      return;
    }
    TensorVector roots = new TensorVector(source);
    TensorVector grads = new TensorVector(g);
    g.close();
    if (g != grad) grad.close();
    torch.backward(roots, grads, new BoolOptional(), false, new TensorVector());
  }

  private static void accumulate(Tensor leaf, Tensor grad) {
    Tensor g = grad.scalar_type().intern() == leaf.scalar_type().intern() ? grad : grad.to(leaf.scalar_type());
    Tensor slot = leaf.mutable_grad();
    if (slot.defined()) {
      slot.add_(g);
    } else {
      slot.put(g.contiguous(leaf.suggest_memory_format()));
    }
  }
}
