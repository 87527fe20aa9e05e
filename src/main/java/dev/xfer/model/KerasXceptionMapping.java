package dev.xfer.model;

import dev.xfer.model.io.KerasLayer;
import dev.xfer.model.io.KerasWeights;
import dev.xfer.model.io.TensorData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keras Xception layers to timm legacy_xception tensor names in LibTorch layouts (timm's legacy_xception
 * state dict and Keras' layer order). Tensors are identified by position within their layer (Conv2D: kernel; separable:
 * depthwise, pointwise; BN: gamma, beta, moving mean, moving variance; Dense: kernel, bias), named
 * layers by name, and the four unnamed shortcut conv/BN layers by their order in the file.
 */
public final class KerasXceptionMapping {
  private static final Pattern SEPCONV = Pattern.compile("block(\\d+)_sepconv(\\d+)(_bn)?");

  private KerasXceptionMapping() {}

  /** The timm-keyed state dict of {@code weights}, for an Xception of {@code blockCount} residual blocks. */
  public static Map<String, TensorData> toStateDict(KerasWeights weights, int blockCount, String source) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    int exitKerasBlock = blockCount + 1; // Keras block2 is timm block1; the exit block is the last one
    int postActivationBlock = blockCount + 2; // Keras block14: timm conv3/bn3/conv4/bn4
    List<Integer> skipBlocks = List.of(1, 2, 3, blockCount);
    int unnamedConvs = 0;
    int unnamedNorms = 0;
    for (KerasLayer layer : weights.layers()) {
      List<TensorData> w = layer.weights();
      if (w.isEmpty()) continue;
      String name = layer.name();
      Matcher m = SEPCONV.matcher(name);
      switch (name) {
        case "block1_conv1" -> putConv(out, "conv1", layer, source);
        case "block1_conv2" -> putConv(out, "conv2", layer, source);
        case "block1_conv1_bn" -> putBn(out, "bn1", layer, source);
        case "block1_conv2_bn" -> putBn(out, "bn2", layer, source);
        case "predictions" -> {
          expectCount(source, layer, 2);
          out.put("fc.weight", Layouts.transpose2d(w.get(0)));
          out.put("fc.bias", w.get(1));
        }
        default -> {
          if (m.matches()) {
            boolean bn = m.group(3) != null;
            String prefix = sepconvPrefix(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), bn,
                exitKerasBlock, postActivationBlock, source, name);
            if (bn) putBn(out, prefix, layer, source);
            else putSeparable(out, prefix, layer, source);
          } else if (w.size() == 1 && w.get(0).shape().length == 4) {
            if (unnamedConvs >= skipBlocks.size()) throw unexpected(source, name);
            putConv(out, "block" + skipBlocks.get(unnamedConvs++) + ".skip", layer, source);
          } else if (w.size() == 4 && w.get(0).shape().length == 1) {
            if (unnamedNorms >= skipBlocks.size()) throw unexpected(source, name);
            putBn(out, "block" + skipBlocks.get(unnamedNorms++) + ".skipbn", layer, source);
          } else {
            throw unexpected(source, name);
          }
        }
      }
    }
    return out;
  }

  /** timm prefix of Keras' blockB_sepconvK(_bn). */
  private static String sepconvPrefix(int b, int k, boolean bn, int exitBlock, int postBlock, String source, String name) {
    if (b == postBlock) {
      return (bn ? "bn" : "conv") + (k + 2);
    }
    if (b < 2 || b > exitBlock) throw unexpected(source, name);
    int index = b == 2 ? 3 * (k - 1) : 3 * k - 2; // block2 has no leading ReLU in timm's rep
    return "block" + (b - 1) + ".rep." + (bn ? index + 1 : index);
  }

  private static void putConv(Map<String, TensorData> out, String prefix, KerasLayer layer, String source) {
    expectCount(source, layer, 1);
    out.put(prefix + ".weight", Layouts.convToTorch(layer.weights().get(0)));
  }

  private static void putSeparable(Map<String, TensorData> out, String prefix, KerasLayer layer, String source) {
    expectCount(source, layer, 2);
    out.put(prefix + ".conv1.weight", Layouts.depthwiseToTorch(layer.weights().get(0)));
    out.put(prefix + ".pointwise.weight", Layouts.convToTorch(layer.weights().get(1)));
  }

  private static void putBn(Map<String, TensorData> out, String prefix, KerasLayer layer, String source) {
    expectCount(source, layer, 4);
    List<TensorData> w = layer.weights();
    out.put(prefix + ".weight", w.get(0));
    out.put(prefix + ".bias", w.get(1));
    out.put(prefix + ".running_mean", w.get(2));
    out.put(prefix + ".running_var", w.get(3));
  }

  private static void expectCount(String source, KerasLayer layer, int expected) {
    if (layer.weights().size() != expected) {
      throw new IllegalArgumentException(source + ": layer " + layer.name() + ": expected " + expected
          + " weight tensors, found " + layer.weights().size());
    }
  }

  private static IllegalArgumentException unexpected(String source, String layer) {
    return new IllegalArgumentException(source + ": layer " + layer + " does not belong to an Xception of this depth");
  }

  /** The Keras layer list of an Xception state dict, in Keras' topological order (for writing .h5 files). */
  public static List<KerasLayer> toKerasLayers(Map<String, TensorData> stateDict, int blockCount) {
    List<KerasLayer> layers = new ArrayList<>();
    layers.add(conv(stateDict, "block1_conv1", "conv1"));
    layers.add(bn(stateDict, "block1_conv1_bn", "bn1"));
    layers.add(conv(stateDict, "block1_conv2", "conv2"));
    layers.add(bn(stateDict, "block1_conv2_bn", "bn2"));
    int unnamed = 0;
    for (int b = 2; b <= blockCount + 1; b++) {
      int timm = b - 1;
      int reps = b >= 5 && b <= blockCount ? 3 : 2;
      for (int k = 1; k <= reps; k++) {
        int index = b == 2 ? 3 * (k - 1) : 3 * k - 2;
        layers.add(sep(stateDict, "block" + b + "_sepconv" + k, "block" + timm + ".rep." + index));
        layers.add(bn(stateDict, "block" + b + "_sepconv" + k + "_bn", "block" + timm + ".rep." + (index + 1)));
      }
      if (stateDict.containsKey("block" + timm + ".skip.weight")) {
        String suffix = unnamed == 0 ? "" : "_" + unnamed;
        layers.add(conv(stateDict, "conv2d" + suffix, "block" + timm + ".skip"));
        layers.add(bn(stateDict, "batch_normalization" + suffix, "block" + timm + ".skipbn"));
        unnamed++;
      }
    }
    int post = blockCount + 2;
    layers.add(sep(stateDict, "block" + post + "_sepconv1", "conv3"));
    layers.add(bn(stateDict, "block" + post + "_sepconv1_bn", "bn3"));
    layers.add(sep(stateDict, "block" + post + "_sepconv2", "conv4"));
    layers.add(bn(stateDict, "block" + post + "_sepconv2_bn", "bn4"));
    if (stateDict.containsKey("fc.weight")) {
      layers.add(new KerasLayer("predictions", List.of("predictions/kernel:0", "predictions/bias:0"),
          List.of(Layouts.transpose2d(stateDict.get("fc.weight")), stateDict.get("fc.bias"))));
    }
    return layers;
  }

  private static KerasLayer conv(Map<String, TensorData> sd, String layer, String prefix) {
    return new KerasLayer(layer, List.of(layer + "/kernel:0"), List.of(Layouts.convToKeras(sd.get(prefix + ".weight"))));
  }

  private static KerasLayer sep(Map<String, TensorData> sd, String layer, String prefix) {
    return new KerasLayer(layer, List.of(layer + "/depthwise_kernel:0", layer + "/pointwise_kernel:0"),
        List.of(Layouts.depthwiseToKeras(sd.get(prefix + ".conv1.weight")),
            Layouts.convToKeras(sd.get(prefix + ".pointwise.weight"))));
  }

  private static KerasLayer bn(Map<String, TensorData> sd, String layer, String prefix) {
    return new KerasLayer(layer,
        List.of(layer + "/gamma:0", layer + "/beta:0", layer + "/moving_mean:0", layer + "/moving_variance:0"),
        List.of(sd.get(prefix + ".weight"), sd.get(prefix + ".bias"), sd.get(prefix + ".running_mean"),
            sd.get(prefix + ".running_var")));
  }
}
