package dev.xfer.model;

import dev.xfer.model.io.DType;
import dev.xfer.model.io.TensorData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A module's state dict: its parameters and BatchNorm running statistics by timm-style name
 * ({@code num_batches_tracked} counters are not part of it), moved to and from plain Java tensors.
 */
public final class StateDict {
  private static final String COUNTER = "num_batches_tracked";

  private StateDict() {}

  /**
   * The module's float tensors by name, parameters first, then buffers: handles sharing the module's
   * storage (writes reach the module), not copies, valid for as long as the Java objects are reachable.
   */
  public static Map<String, Tensor> tensorsOf(Module module) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    addAll(out, module.named_parameters());
    addAll(out, module.named_buffers());
    return out;
  }

  /** A copy of every tensor as float32 values in C order, CPU side. */
  public static Map<String, TensorData> export(Module module) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    try (PointerScope scope = new PointerScope()) {
      tensorsOf(module).forEach((name, t) -> {
        Tensor cpu = t.detach().cpu().to(ScalarType.Float).contiguous();
        float[] values = new float[Math.toIntExact(cpu.numel())];
        new FloatPointer(cpu.data_ptr()).capacity(values.length).get(values);
        out.put(name, new TensorData(shapeOf(cpu), values, DType.F32));
      });
    }
    return out;
  }

  /**
   * Copies {@code weights} into the module. Every tensor of the module must be present with its
   * exact shape and nothing else may be; otherwise nothing is copied and the exception lists each
   * missing, unexpected or mis-shaped tensor by name.
   *
   * @param source the file or description the weights came from, for messages
   */
  public static void load(Module module, Map<String, TensorData> weights, String source) {
    Map<String, Tensor> targets = tensorsOf(module);
    List<String> problems = new ArrayList<>();
    TreeSet<String> missing = new TreeSet<>(targets.keySet());
    missing.removeAll(weights.keySet());
    TreeSet<String> extra = new TreeSet<>();
    for (String name : weights.keySet()) if (!targets.containsKey(name) && !name.endsWith(COUNTER)) extra.add(name);
    if (!missing.isEmpty()) problems.add("missing tensors " + abbreviate(missing));
    if (!extra.isEmpty()) problems.add("unexpected tensors " + abbreviate(extra));
    targets.forEach((name, target) -> {
      TensorData data = weights.get(name);
      if (data != null && !java.util.Arrays.equals(data.shape(), shapeOf(target))) {
        problems.add(name + ": expected shape " + TensorData.shapeString(shapeOf(target)) + ", found " + data.shapeString());
      }
    });
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(source + ": weights do not fit the model: " + String.join("; ", problems));
    }
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      targets.forEach((name, target) -> target.copy_(toTensor(weights.get(name))));
    }
  }

  /** A CPU float32 tensor holding a copy of {@code data}. */
  public static Tensor toTensor(TensorData data) {
    try (FloatPointer p = new FloatPointer(data.values())) {
      return torch.from_blob(p, data.shape(), new TensorOptions(ScalarType.Float)).clone();
    }
  }

  /** The sizes of {@code t}. */
  public static long[] shapeOf(Tensor t) {
    long[] shape = new long[(int) t.dim()];
    for (int i = 0; i < shape.length; i++) shape[i] = t.size(i);
    return shape;
  }

  private static void addAll(Map<String, Tensor> out, StringTensorDict dict) {
    for (long i = 0; i < dict.size(); i++) {
      String name = dict.get(i).key().getString();
      if (!name.endsWith(COUNTER)) out.put(name, ownHandle(dict.get(i).value()));
    }
  }

  /**
   * A handle of its own on {@code inDict}'s tensor (same storage, same autograd state). The dictionary
   * LibTorch returns owns the tensors its items point at, so a handle taken straight from it dangles
   * once the dictionary is collected (seen: a crash in an optimizer step 25 minutes into a run). The
   * copy survives any PointerScope open now and is freed with the Java object.
   */
  private static Tensor ownHandle(Tensor inDict) {
    Tensor own = new Tensor(inDict);
    own.retainReference();
    return own;
  }

  private static String abbreviate(TreeSet<String> names) {
    List<String> shown = new ArrayList<>(names).subList(0, Math.min(6, names.size()));
    String more = names.size() > shown.size() ? " (+" + (names.size() - shown.size()) + " more)" : "";
    return String.join(", ", shown) + more;
  }
}
