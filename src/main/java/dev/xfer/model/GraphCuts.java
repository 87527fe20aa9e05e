package dev.xfer.model;

import dev.xfer.kernels.DepthwiseBackwardKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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
 * <p>One object per training step: {@link #forward} runs the step's forward pass, {@link #backward} its
 * backward pass, and closing it releases what cuts whose backward pass never ran still hold (a step
 * stopped by a non-finite loss or an error). Inactive cuts ({@link #forStep} where they do not
 * {@link #applies apply}, {@link #none}) leave both passes to LibTorch's autograd in one piece.
 */
public final class GraphCuts implements AutoCloseable {
  private static final long[] ONE = {1, 1};

  private final boolean active;
  private final List<Cut> cuts = new ArrayList<>();

  /** Active cuts, whatever the host: what the training steps get where {@link #applies} holds. */
  GraphCuts() {
    this(true);
  }

  private GraphCuts(boolean active) {
    this.active = active;
  }

  /**
   * Whether {@code model}'s training steps run the depthwise convolutions' backward pass natively, through
   * graph cuts: a channels-last model on the CPU, on a host that has the kernel's instructions.
   */
  public static boolean applies(Xception model) {
    return model.channelsLast() && !model.parameters().get(0).is_cuda() && DepthwiseBackwardKernel.available();
  }

  /** The cuts of one training step of {@code model}: active where they {@link #applies apply}. */
  public static GraphCuts forStep(Xception model) {
    return new GraphCuts(applies(model));
  }

  /** Inactive cuts: the step's passes as LibTorch's autograd runs them in one piece. */
  public static GraphCuts none() {
    return new GraphCuts(false);
  }

  /** {@code pass}, a training forward pass of {@code model}, cut at its depthwise convolutions and block inputs when active. */
  public Tensor forward(Xception model, Supplier<Tensor> pass) {
    if (!active) return pass.get();
    model.cutWith(this);
    try {
      return pass.get();
    } finally {
      model.cutWith(null);
    }
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

  /** The loss's backward pass, segment by segment (in one piece when inactive); every cut is then forgotten. */
  public void backward(Tensor loss) {
    try {
      loss.backward();
      for (int i = cuts.size() - 1; i >= 0; i--) cuts.get(i).runAndRelease();
    } finally {
      close();
    }
  }

  /** Releases the tensors of every cut whose backward step has not run, and forgets all cuts. */
  @Override
  public void close() {
    for (Cut c : cuts) c.release();
    cuts.clear();
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
    Tensor g = inTypeOf(grad, source);
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
    Tensor g = inTypeOf(grad, leaf);
    Tensor slot = leaf.mutable_grad();
    if (slot.defined()) {
      slot.add_(g);
    } else {
      slot.put(g.contiguous(leaf.suggest_memory_format()));
    }
  }

  /** {@code grad} in {@code like}'s type: itself when it already is (a bf16 pass's gradient of a float32 tensor is not). */
  private static Tensor inTypeOf(Tensor grad, Tensor like) {
    return grad.scalar_type().intern() == like.scalar_type().intern() ? grad : grad.to(like.scalar_type());
  }
}
