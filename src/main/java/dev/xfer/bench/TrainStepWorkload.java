package dev.xfer.bench;

import dev.xfer.model.GraphCuts;
import dev.xfer.model.Numerics;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.train.KerasSgd;
import dev.xfer.train.LearningRateSchedule;
import dev.xfer.train.Losses;
import dev.xfer.train.MixedPrecision;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A full-network training step on the CPU, every layer trainable and BatchNorm in training mode, as
 * in xfer's phase 2, on a fixed random batch: {@link Part#FORWARD} forward and cross-entropy loss
 * (autograd recording), {@link Part#FORWARD_BACKWARD} plus backward, {@link Part#STEP} plus the Keras
 * SGD update (momentum 0.9). Call {@link #run()} inside a PointerScope.
 *
 * <p>Networks are named {@code NAME-SIZE-bBATCH}: {@code compact-96-b8} is the demo backbone
 * {@code XceptionConfig(0.25, 1, 5, KERAS)} at 96 px, batch 8; {@code full-224-b32} is Keras'
 * Xception at 224 px, batch 32, 5 classes.
 */
public final class TrainStepWorkload {
  /** How much of the step runs. */
  public enum Part { FORWARD, FORWARD_BACKWARD, STEP }

  /** A named network, input size and batch. */
  public record Net(String name, XceptionConfig config, int size, int batch) {
    /** Parses {@code compact-SIZE-bBATCH} or {@code full-SIZE-bBATCH}. */
    public static Net parse(String name) {
      String[] p = name.split("-");
      if (p.length != 3 || !p[2].startsWith("b")) {
        throw new IllegalArgumentException("net: expected NAME-SIZE-bBATCH (compact-96-b8, full-224-b32), found " + name);
      }
      XceptionConfig config = switch (p[0]) {
        case "compact" -> new XceptionConfig(0.25, 1, 5, Numerics.KERAS);
        case "full" -> XceptionConfig.full(5, Numerics.KERAS);
        default -> throw new IllegalArgumentException("net: expected compact or full before the size, found " + p[0]);
      };
      try {
        return new Net(name, config, Integer.parseInt(p[1]), Integer.parseInt(p[2].substring(1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("net: expected NAME-SIZE-bBATCH with numbers, found " + name, e);
      }
    }
  }

  // Java-created LibTorch modules must stay reachable from Java.
  private final Xception model;
  private final KerasSgd optimizer;
  private final Tensor images;
  private final Tensor labels;
  private final Part part;
  private final boolean bf16;

  /** @param bf16 CPU autocast to bfloat16 around the forward pass (as {@code xfer train --amp}) */
  public TrainStepWorkload(Net net, Part part, boolean bf16) {
    this(net, part, bf16, false);
  }

  /**
   * @param bf16 CPU autocast to bfloat16 around the forward pass (as {@code xfer train --amp})
   * @param channelsLast the network's weights and input in the channels-last layout (the CPU default of
   *     {@code xfer train})
   */
  public TrainStepWorkload(Net net, Part part, boolean bf16, boolean channelsLast) {
    this.part = part;
    this.bf16 = bf16;
    model = new Xception(net.config());
    if (channelsLast) model.useChannelsLast();
    model.train(true);
    List<Tensor> params = Arrays.asList(model.parameters().get());
    optimizer = new KerasSgd(params, 0.9, false, LearningRateSchedule.kerasDecay(1e-3, 0));
    images = torch.randn(net.batch(), 3, net.size(), net.size());
    labels = torch.randint(net.config().numClasses(), new long[] {net.batch()}, new TensorOptions(ScalarType.Long));
  }

  /** One step on the fixed batch; returns the loss. */
  public Tensor run() {
    model.zero_grad(true);
    try (GraphCuts cuts = part == Part.FORWARD ? GraphCuts.none() : GraphCuts.forStep(model)) { // as xfer train's step
      Tensor logits = MixedPrecision.toFloat(cuts.forward(model, () -> MixedPrecision.run(bf16, () -> model.forward(images))));
      Tensor loss = Losses.crossEntropy(logits, labels, 0);
      if (part != Part.FORWARD) cuts.backward(loss);
      if (part == Part.STEP) optimizer.step();
      return loss;
    }
  }
}
