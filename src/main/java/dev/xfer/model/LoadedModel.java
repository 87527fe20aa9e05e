package dev.xfer.model;

import dev.xfer.model.io.TensorData;
import java.util.List;
import java.util.Map;

/**
 * Weights read from a file together with what they imply: architecture, numerics, preprocessing and
 * class names. {@link #build()} makes the network.
 *
 * @param config architecture and numerics
 * @param preprocessing how inputs must be prepared
 * @param classNames classifier labels (empty when there is no classifier or they are unknown)
 * @param stateDict timm-keyed tensors in LibTorch layouts
 * @param format where they came from: "keras", "timm" or "xfer"
 */
public record LoadedModel(
    XceptionConfig config, Preprocessing preprocessing, List<String> classNames,
    Map<String, TensorData> stateDict, String format) {

  /** A network with these weights, in inference mode. */
  public Xception build(String source) {
    Xception model = new Xception(config);
    StateDict.load(model, stateDict, source);
    model.eval();
    return model;
  }

  /** The same weights with another BatchNorm momentum (a training setting; inference does not use it). */
  public LoadedModel withBnMomentum(double momentum) {
    Numerics n = config().numerics();
    Numerics changed = new Numerics(n.name(), n.bnEps(), momentum, n.samePooling());
    return new LoadedModel(config().withNumerics(changed), preprocessing(), classNames(), stateDict(), format());
  }
}
