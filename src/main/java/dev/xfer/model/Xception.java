package dev.xfer.model;

import dev.xfer.util.OwnScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LinearOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Keras' Xception (Chollet 2017) as LibTorch modules, with submodules named after timm's
 * legacy_xception so a state dict maps one to one:
 *
 * <pre>
 * stem   conv1 (3x3/2 valid) bn1 relu  conv2 (3x3 valid) bn2 relu
 * entry  block1..block3        downsampling blocks, 1x1/2 shortcuts
 * middle block4..block(3+M)    identity blocks of 3 separable convs (M = 8 in Keras)
 * exit   block(4+M)            728 -> 1024, then conv3 bn3 relu conv4 bn4 relu (post-activation)
 * head   global average pool, fc (optional)
 * </pre>
 *
 * Stages for freezing: {@code stem}, {@code block1}..{@code blockN}, {@code exit}, {@code head}.
 */
public final class Xception extends Module {
  private final XceptionConfig config;
  private final Conv2dImpl conv1;
  private final BatchNorm2dImpl bn1;
  private final Conv2dImpl conv2;
  private final BatchNorm2dImpl bn2;
  private final List<XceptionBlock> blocks = new ArrayList<>();
  private final SeparableConv2d conv3;
  private final BatchNorm2dImpl bn3;
  private final SeparableConv2d conv4;
  private final BatchNorm2dImpl bn4;
  private LinearImpl fc;
  private BatchNormForward norm = BatchNormForward.LOCAL;
  private boolean channelsLast;

  public Xception(XceptionConfig config) {
    this.config = config;
    Numerics n = config.numerics();
    int c32 = config.channels(32);
    int c64 = config.channels(64);
    conv1 = register_module("conv1", new Conv2dImpl(stemConv(3, c32, 2)));
    bn1 = register_module("bn1", XceptionBlock.batchNorm(c32, n));
    conv2 = register_module("conv2", new Conv2dImpl(stemConv(c32, c64, 1)));
    bn2 = register_module("bn2", XceptionBlock.batchNorm(c64, n));
    List<XceptionBlock.Spec> specs = blockSpecs(config);
    for (int i = 0; i < specs.size(); i++) {
      blocks.add(register_module("block" + (i + 1), new XceptionBlock(specs.get(i), n)));
    }
    int c1024 = config.channels(1024);
    int c1536 = config.channels(1536);
    int c2048 = config.featureChannels();
    conv3 = register_module("conv3", new SeparableConv2d(c1024, c1536));
    bn3 = register_module("bn3", XceptionBlock.batchNorm(c1536, n));
    conv4 = register_module("conv4", new SeparableConv2d(c1536, c2048));
    bn4 = register_module("bn4", XceptionBlock.batchNorm(c2048, n));
    if (config.numClasses() > 0) fc = register_module("fc", new LinearImpl(new LinearOptions(c2048, config.numClasses())));
  }

  /** Entry, middle and exit block shapes, in timm's order. */
  public static List<XceptionBlock.Spec> blockSpecs(XceptionConfig c) {
    int c64 = c.channels(64);
    int c128 = c.channels(128);
    int c256 = c.channels(256);
    int c728 = c.channels(728);
    List<XceptionBlock.Spec> specs = new ArrayList<>();
    specs.add(new XceptionBlock.Spec(c64, c128, 2, 2, false, true));
    specs.add(new XceptionBlock.Spec(c128, c256, 2, 2, true, true));
    specs.add(new XceptionBlock.Spec(c256, c728, 2, 2, true, true));
    for (int i = 0; i < c.middleBlocks(); i++) specs.add(new XceptionBlock.Spec(c728, c728, 3, 1, true, true));
    specs.add(new XceptionBlock.Spec(c728, c.channels(1024), 2, 2, true, false));
    return specs;
  }

  /** Applies every BatchNorm layer through {@code forward} from now on ({@link BatchNormForward#LOCAL} restores the default). */
  public void setBatchNormForward(BatchNormForward forward) {
    norm = java.util.Objects.requireNonNull(forward, "forward");
    for (XceptionBlock b : blocks) b.setBatchNormForward(forward);
  }

  /**
   * Cuts the next training forward passes at every depthwise convolution and block input, so that
   * {@code cuts} runs their backward pass (null: LibTorch's autograd runs all of it, the default).
   */
  public void cutWith(GraphCuts cuts) {
    for (XceptionBlock b : blocks) b.cutWith(cuts);
    conv3.cutWith(cuts);
    conv4.cutWith(cuts);
  }

  public XceptionConfig config() {
    return config;
  }

  /**
   * Stores every convolution weight channels-last (NHWC strides) and feeds inputs that way, so
   * oneDNN runs its NHWC kernels without reordering activations to and from its blocked layout
   * around each convolution. Values are unchanged (model files are written contiguous, as always);
   * sums may round differently. Call before creating an optimizer: it replaces the weights' storage.
   */
  public void useChannelsLast() {
    try (org.bytedeco.pytorch.NoGradGuard noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
      for (Tensor p : parameters().get()) {
        if (p.dim() == 4) p.set_data(p.contiguous(torch.MemoryFormat.ChannelsLast));
      }
    }
    channelsLast = true;
  }

  /** True after {@link #useChannelsLast()}. */
  public boolean channelsLast() {
    return channelsLast;
  }

  /** The backbone: (N, 3, H, W) preprocessed images to the (N, C, H', W') feature map after the last ReLU. */
  public Tensor forwardFeatures(Tensor x) {
    return forwardFeatures(x, (stage, out) -> {});
  }

  /** {@link #forwardFeatures(Tensor)}, reporting each stage's output to {@code observer} (stem, blockN, exit). */
  public Tensor forwardFeatures(Tensor x, BiConsumer<String, Tensor> observer) {
    if (x.dim() != 4 || x.size(1) != 3) {
      throw new IllegalArgumentException("input: expected (N, 3, H, W) images, found " + java.util.Arrays.toString(StateDict.shapeOf(x)));
    }
    XceptionConfig.checkInputSize(x.size(2), x.size(3));
    Tensor input = channelsLast ? x.contiguous(torch.MemoryFormat.ChannelsLast) : x;
    // each stage in its own scope: an inference forward frees activations as it goes
    // ReLUs in place: BatchNorm's backward keeps its input, not its output
    x = OwnScope.run(() -> XceptionBlock.reluInPlace(norm.apply(bn2, conv2.forward(XceptionBlock.reluInPlace(norm.apply(bn1, conv1.forward(input)))))));
    observer.accept("stem", x);
    for (int i = 0; i < blocks.size(); i++) {
      XceptionBlock block = blocks.get(i);
      Tensor blockInput = x;
      x = OwnScope.run(() -> block.forward(blockInput));
      observer.accept("block" + (i + 1), x);
    }
    Tensor exitInput = x;
    x = OwnScope.run(() -> XceptionBlock.reluInPlace(norm.apply(bn4, conv4.forward(XceptionBlock.reluInPlace(norm.apply(bn3, conv3.forward(exitInput)))))));
    observer.accept("exit", x);
    return x;
  }

  /** Global average pooling, then the classifier unless {@code preLogits} or there is none. */
  public Tensor forwardHead(Tensor features, boolean preLogits) {
    Tensor pooled = features.mean(2, 3);
    return preLogits || fc == null ? pooled : fc.forward(pooled);
  }

  /** Logits when a classifier is present, pooled features otherwise. */
  public Tensor forward(Tensor x) {
    return forwardHead(forwardFeatures(x), false);
  }

  public boolean hasClassifier() {
    return fc != null;
  }

  /** Replaces the classifier with a freshly initialised one of {@code numClasses} outputs (0 removes it). */
  public void resetClassifier(int numClasses) {
    if (numClasses < 0) throw new IllegalArgumentException("classes: expected >= 0, found " + numClasses);
    if (fc != null) unregister_module("fc");
    fc = numClasses > 0
        ? register_module("fc", new LinearImpl(new LinearOptions(config.featureChannels(), numClasses)))
        : null;
  }

  /** Stage names in forward order: stem, block1..blockN, exit, and head when a classifier is present. */
  public List<String> stageNames() {
    List<String> names = new ArrayList<>();
    names.add("stem");
    for (int i = 1; i <= blocks.size(); i++) names.add("block" + i);
    names.add("exit");
    if (fc != null) names.add("head");
    return Collections.unmodifiableList(names);
  }

  /** The stage a parameter or buffer belongs to, from its state-dict name. */
  public static String stageOf(String tensorName) {
    String top = tensorName.contains(".") ? tensorName.substring(0, tensorName.indexOf('.')) : tensorName;
    return switch (top) {
      case "conv1", "bn1", "conv2", "bn2" -> "stem";
      case "conv3", "bn3", "conv4", "bn4" -> "exit";
      case "fc" -> "head";
      default -> {
        if (top.startsWith("block")) yield top;
        throw new IllegalArgumentException("tensor " + tensorName + ": not part of an Xception stage");
      }
    };
  }

  private static Conv2dOptions stemConv(int in, int out, long stride) {
    Conv2dOptions o = new Conv2dOptions(in, out, new LongPointer(3L, 3L));
    o.stride().put(new LongPointer(stride, stride));
    o.bias().put(false);
    return o;
  }
}
