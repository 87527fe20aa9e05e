package dev.xfer.model;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Keras' SeparableConv2D without bias: a 3x3 depthwise convolution ({@code conv1}, one filter per
 * input channel, padding 1 = TF 'same' at stride 1) then a 1x1 pointwise convolution
 * ({@code pointwise}), with nothing in between. Names follow timm's legacy_xception.
 */
public final class SeparableConv2d extends Module {
  private final Conv2dImpl depthwise;
  private final Conv2dImpl pointwise;
  private GraphCuts cuts;

  public SeparableConv2d(int in, int out) {
    depthwise = register_module("conv1", new Conv2dImpl(depthwiseOptions(in)));
    pointwise = register_module("pointwise", new Conv2dImpl(pointwiseOptions(in, out)));
  }

  public Tensor forward(Tensor x) {
    return pointwise.forward(cuts == null ? depthwise.forward(x) : cuts.depthwise(depthwise, x));
  }

  /** Runs the depthwise convolution's backward pass through {@code cuts} from now on (null: through autograd). */
  void cutWith(GraphCuts cuts) {
    this.cuts = cuts;
  }

  private static Conv2dOptions depthwiseOptions(int channels) {
    Conv2dOptions o = new Conv2dOptions(channels, channels, new LongPointer(3L, 3L));
    o.padding().put(new LongPointer(1L, 1L));
    o.groups().put(channels);
    o.bias().put(false);
    return o;
  }

  static Conv2dOptions pointwiseOptions(int in, int out) {
    Conv2dOptions o = new Conv2dOptions(in, out, new LongPointer(1L, 1L));
    o.bias().put(false);
    return o;
  }
}
