package dev.xfer.train;

import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.io.SafeTensors;
import dev.xfer.model.io.SafeTensorsFile;
import dev.xfer.model.io.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * The state needed to continue a run exactly: model tensors, the optimizer's velocities and step
 * counter, and how far the run got (phase index, completed epochs in it). One safetensors file,
 * written atomically (temporary file + rename), so an interrupted write leaves the previous one.
 */
public record Checkpoint(int phaseIndex, int epochsDone, long iterations, long seed,
    Map<String, TensorData> model, List<TensorData> velocities) {

  public static final String FILE_NAME = "checkpoint.safetensors";

  /** Captures the current state. */
  public static Checkpoint capture(int phaseIndex, int epochsDone, long seed, Xception model, KerasSgd sgd) {
    Map<String, TensorData> tensors = StateDict.export(model);
    List<TensorData> v = sgd.velocities().stream().map(Checkpoint::copy).toList();
    return new Checkpoint(phaseIndex, epochsDone, sgd.iterations(), seed, tensors, v);
  }

  public void write(Path runDir) throws IOException {
    Map<String, TensorData> all = new LinkedHashMap<>();
    model.forEach((k, t) -> all.put("model/" + k, t));
    for (int i = 0; i < velocities.size(); i++) all.put("optimizer/velocity/" + i, velocities.get(i));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("xfer.checkpoint.phase_index", Integer.toString(phaseIndex));
    meta.put("xfer.checkpoint.epochs_done", Integer.toString(epochsDone));
    meta.put("xfer.checkpoint.iterations", Long.toString(iterations));
    meta.put("xfer.checkpoint.seed", Long.toString(seed));
    SafeTensors.write(runDir.resolve(FILE_NAME), all, meta);
  }

  /** The checkpoint in {@code runDir}, or null when there is none. */
  public static Checkpoint read(Path runDir) throws IOException {
    Path file = runDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) return null;
    SafeTensorsFile f = SafeTensors.read(file);
    Map<String, TensorData> model = new LinkedHashMap<>();
    Map<Integer, TensorData> v = new java.util.TreeMap<>();
    f.tensors().forEach((k, t) -> {
      if (k.startsWith("model/")) model.put(k.substring(6), t);
      else if (k.startsWith("optimizer/velocity/")) v.put(Integer.parseInt(k.substring(19)), t);
    });
    Map<String, String> m = f.metadata();
    return new Checkpoint(Integer.parseInt(m.get("xfer.checkpoint.phase_index")),
        Integer.parseInt(m.get("xfer.checkpoint.epochs_done")), Long.parseLong(m.get("xfer.checkpoint.iterations")),
        Long.parseLong(m.get("xfer.checkpoint.seed")), model, List.copyOf(v.values()));
  }

  /** Puts the optimizer's velocities and step counter back. */
  public void restoreOptimizer(KerasSgd sgd) {
    if (velocities.size() != sgd.velocities().size()) {
      throw new IllegalStateException("checkpoint has " + velocities.size() + " optimizer slots, the phase has "
          + sgd.velocities().size() + " trainable tensors");
    }
    try (NoGradGuard g = new NoGradGuard()) {
      for (int i = 0; i < velocities.size(); i++) sgd.velocities().get(i).copy_(StateDict.toTensor(velocities.get(i)));
    }
    sgd.setIterations(iterations);
  }

  private static TensorData copy(Tensor t) {
    Tensor c = t.detach().cpu().contiguous();
    float[] values = new float[(int) c.numel()];
    new FloatPointer(c.data_ptr()).capacity(values.length).get(values);
    return new TensorData(StateDict.shapeOf(c), values);
  }
}
