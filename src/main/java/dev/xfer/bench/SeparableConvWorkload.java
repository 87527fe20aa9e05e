package dev.xfer.bench;

import dev.xfer.model.SeparableConv2d;
import dev.xfer.train.MixedPrecision;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One batch through a separable convolution on the CPU, as training or inference runs it: xfer's
 * {@link SeparableConv2d}, or its depthwise or pointwise half alone (plain LibTorch Conv2d with the
 * same options) to see where the time goes. Inputs and weights are allocated once; {@link #run()} is
 * the timed operation. With backward, the input and both weights get gradients (as in training,
 * where a separable convolution's input always needs one) against a fixed all-ones output gradient,
 * gradients set to none before each pass. Call {@link #run()} inside a PointerScope.
 */
public final class SeparableConvWorkload {
  /** Which part of the separable convolution runs. */
  public enum Op { SEPARABLE, DEPTHWISE, POINTWISE }

  // The module must stay reachable from Java while LibTorch holds it.
  private final Module conv;
  private final UnaryOperator<Tensor> forward;
  private final Tensor input;
  private final Tensor outputGrad;
  private final boolean backward;
  private final boolean bf16;

  /**
   * @param channelsLast NHWC strides for the input and weights (otherwise contiguous NCHW)
   * @param bf16 CPU autocast to bfloat16 around the forward pass (as {@code xfer train --amp})
   */
  public SeparableConvWorkload(SeparableShape shape, int batch, Op op, boolean backward, boolean channelsLast,
      boolean bf16) {
    if (batch < 1) throw new IllegalArgumentException("batch: expected at least 1, found " + batch);
    this.backward = backward;
    this.bf16 = bf16;
    MemoryFormat format = channelsLast ? MemoryFormat.ChannelsLast : MemoryFormat.Contiguous;
    switch (op) {
      case SEPARABLE -> {
        SeparableConv2d sep = new SeparableConv2d(shape.in(), shape.out());
        conv = sep;
        forward = sep::forward;
      }
      case DEPTHWISE -> {
        Conv2dOptions o = new Conv2dOptions(shape.in(), shape.in(), new LongPointer(3L, 3L));
        o.padding().put(new LongPointer(1L, 1L));
        o.groups().put(shape.in());
        o.bias().put(false);
        Conv2dImpl dw = new Conv2dImpl(o);
        conv = dw;
        forward = dw::forward;
      }
      case POINTWISE -> {
        Conv2dOptions o = new Conv2dOptions(shape.in(), shape.out(), new LongPointer(1L, 1L));
        o.bias().put(false);
        Conv2dImpl pw = new Conv2dImpl(o);
        conv = pw;
        forward = pw::forward;
      }
      default -> throw new IllegalArgumentException("op: " + op);
    }
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor p : conv.parameters().get()) p.set_data(p.contiguous(format));
    }
    input = torch.randn(batch, shape.in(), shape.size(), shape.size()).contiguous(format);
    input.requires_grad_(backward);
    if (backward) {
      Tensor probe = forward.apply(input);
      Tensor ones = torch.ones_like(probe).contiguous(format);
      outputGrad = bf16 ? ones.to(ScalarType.BFloat16) : ones; // autocast outputs are bf16
      conv.zero_grad(true);
    } else {
      outputGrad = null;
    }
  }

  /** One batch: forward (autograd off), or forward and backward. Returns the output or the input's gradient. */
  public Tensor run() {
    if (!backward) {
      try (NoGradGuard g = new NoGradGuard()) {
        return MixedPrecision.run(bf16, () -> forward.apply(input));
      }
    }
    conv.zero_grad(true);
    input.mutable_grad().reset(); // the input's gradient slot, set to none like the weights'
    Tensor out = MixedPrecision.run(bf16, () -> forward.apply(input));
    out.backward(outputGrad, new BoolOptional(), false, new TensorArrayRefOptional());
    return input.grad();
  }
}
