package dev.xfer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One residual block: a sequence ({@code rep}) of [ReLU, SeparableConv2d, BatchNorm] repeats,
 * a 3x3/2 max-pool when the block downsamples, and a shortcut that is either the identity or a
 * strided 1x1 conv + BN ({@code skip}, {@code skipbn}) on the block's pre-ReLU input.
 *
 * <p>Submodule indices inside {@code rep} count the parameter-free ReLUs, as timm's nn.Sequential
 * does, so state-dict keys match legacy_xception ({@code block1.rep.0.conv1.weight}, ...).
 */
public final class XceptionBlock extends Module {
  /** Shape of a block: channels, repeats, stride and where the activation and widening go. */
  public record Spec(int in, int out, int reps, int stride, boolean startWithRelu, boolean growFirst) {
    /** The (in, out) channels of each separable convolution: the block widens in its first or its last one. */
    public List<int[]> separableChannels() {
      List<int[]> result = new ArrayList<>();
      for (int r = 0; r < reps; r++) {
        boolean widen = growFirst ? r == 0 : r == reps - 1;
        int from = growFirst ? (r == 0 ? in : out) : in;
        result.add(new int[] {from, widen ? out : from});
      }
      return result;
    }
  }

  private final List<UnaryOperator<Tensor>> steps = new ArrayList<>();
  private final List<SeparableConv2d> separables = new ArrayList<>();
  private GraphCuts cuts;
  // Java-created modules must stay strongly reachable from Java: LibTorch calls back into them
  // (train(), eval(), ...) and a collected wrapper surfaces as a NullPointerException in native code.
  private final Module rep;
  private final Conv2dImpl skip;
  private final BatchNorm2dImpl skipBn;
  private final boolean downsample;
  private final boolean samePooling;
  private BatchNormForward norm = BatchNormForward.LOCAL;

  public XceptionBlock(Spec spec, Numerics numerics) {
    rep = register_module("rep", new Module());
    int index = 0;
    List<int[]> channels = spec.separableChannels();
    for (int r = 0; r < channels.size(); r++) {
      int in = channels.get(r)[0];
      int out = channels.get(r)[1];
      if (r > 0 || spec.startWithRelu()) {
        // after a BatchNorm the ReLU may overwrite its input (nothing else keeps it); the block's own input is
        // also the shortcut, so the leading ReLU writes a new tensor
        steps.add(r > 0 ? XceptionBlock::reluInPlace : torch::relu);
        index++;
      }
      SeparableConv2d conv = rep.register_module(String.valueOf(index++), new SeparableConv2d(in, out));
      BatchNorm2dImpl bn = rep.register_module(String.valueOf(index++), batchNorm(out, numerics));
      separables.add(conv);
      steps.add(conv::forward);
      steps.add(x -> norm.apply(bn, x));
    }
    downsample = spec.stride() != 1;
    samePooling = numerics.samePooling();
    if (spec.in() != spec.out() || downsample) {
      Conv2dOptions o = SeparableConv2d.pointwiseOptions(spec.in(), spec.out());
      o.stride().put(new LongPointer((long) spec.stride(), (long) spec.stride()));
      skip = register_module("skip", new Conv2dImpl(o));
      skipBn = register_module("skipbn", batchNorm(spec.out(), numerics));
    } else {
      skip = null;
      skipBn = null;
    }
  }

  public Tensor forward(Tensor blockInput) {
    Tensor input = cuts == null ? blockInput : cuts.block(blockInput);
    Tensor x = input;
    for (UnaryOperator<Tensor> step : steps) x = step.apply(x);
    if (downsample) x = MaxPool.apply3x3s2(x, samePooling);
    Tensor shortcut = skip == null ? input : norm.apply(skipBn, skip.forward(input));
    return x.add(shortcut);
  }

  void setBatchNormForward(BatchNormForward forward) {
    norm = forward;
  }

  void cutWith(GraphCuts cuts) {
    this.cuts = cuts;
    for (SeparableConv2d s : separables) s.cutWith(cuts);
  }

  /**
   * ReLU over {@code x} itself, returning {@code x}: LibTorch's {@code relu_} hands back a reference that does not
   * own the tensor, so a scope that frees {@code x} would leave that reference dangling.
   */
  static Tensor reluInPlace(Tensor x) {
    torch.relu_(x);
    return x;
  }

  static BatchNorm2dImpl batchNorm(int channels, Numerics numerics) {
    BatchNormOptions o = new BatchNormOptions(channels);
    o.eps().put(numerics.bnEps());
    o.momentum().put(numerics.bnMomentum());
    return new BatchNorm2dImpl(o);
  }
}
