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
import java.util.TreeMap;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * The state needed to continue a run exactly: model tensors, the optimizer's state and step counter,
 * how far the run got (phase index, completed epochs in it), the early-stopping state with the best
 * weights so far (when restoring them), and the history up to here. One safetensors file, written
 * atomically (temporary file + rename), so an interrupted write leaves the previous one intact.
 *
 * @param optimizerKind "sgd" or "adamw" (a resume with another optimizer is refused)
 * @param optimizerState the optimizer's state tensors ({@link Optimizer#state()} order)
 * @param stopping early-stopping state of the current phase
 * @param bestModel weights of the phase's best epoch so far (empty unless restoring best weights)
 * @param historyJson history.json's content at this point (so history and weights never disagree)
 */
public record Checkpoint(int phaseIndex, int epochsDone, long iterations, long seed, Map<String, TensorData> model,
    String optimizerKind, List<TensorData> optimizerState, EarlyStopping.State stopping, Map<String, TensorData> bestModel,
    String historyJson) {

  public static final String FILE_NAME = "checkpoint.safetensors";

  /** Captures the current state without early stopping or history. */
  public static Checkpoint capture(int phaseIndex, int epochsDone, long seed, Xception model, Optimizer optimizer) {
    return capture(phaseIndex, epochsDone, seed, model, optimizer, EarlyStopping.State.START, Map.of(), "");
  }

  /** Captures the current state. */
  public static Checkpoint capture(int phaseIndex, int epochsDone, long seed, Xception model, Optimizer optimizer,
      EarlyStopping.State stopping, Map<String, TensorData> bestModel, String historyJson) {
    Map<String, TensorData> tensors = StateDict.export(model);
    List<TensorData> state = optimizer.state().stream().map(Checkpoint::copy).toList();
    return new Checkpoint(phaseIndex, epochsDone, optimizer.iterations(), seed, tensors, optimizer.kind(), state, stopping,
        bestModel, historyJson);
  }

  public void write(Path runDir) throws IOException {
    Map<String, TensorData> all = new LinkedHashMap<>();
    model.forEach((k, t) -> all.put("model/" + k, t));
    for (int i = 0; i < optimizerState.size(); i++) all.put("optimizer/state/" + i, optimizerState.get(i));
    bestModel.forEach((k, t) -> all.put("best/" + k, t));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("xfer.checkpoint.phase_index", Integer.toString(phaseIndex));
    meta.put("xfer.checkpoint.epochs_done", Integer.toString(epochsDone));
    meta.put("xfer.checkpoint.iterations", Long.toString(iterations));
    meta.put("xfer.checkpoint.seed", Long.toString(seed));
    meta.put("xfer.checkpoint.optimizer", optimizerKind);
    meta.put("xfer.checkpoint.early_stopping.best", Double.toString(stopping.best()));
    meta.put("xfer.checkpoint.early_stopping.best_epoch", Integer.toString(stopping.bestEpoch()));
    meta.put("xfer.checkpoint.early_stopping.wait", Integer.toString(stopping.epochsWithoutImprovement()));
    meta.put("xfer.checkpoint.early_stopping.stopped", Boolean.toString(stopping.stopped()));
    meta.put("xfer.checkpoint.history", historyJson);
    SafeTensors.write(runDir.resolve(FILE_NAME), all, meta);
  }

  /**
   * The checkpoint in {@code runDir}, or null when there is none. Only the complete file counts:
   * temporary files an interrupted write left behind are ignored (and removed).
   */
  public static Checkpoint read(Path runDir) throws IOException {
    removeInterruptedWrites(runDir);
    Path file = runDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) return null;
    SafeTensorsFile f = SafeTensors.read(file);
    Map<String, TensorData> model = new LinkedHashMap<>();
    Map<String, TensorData> best = new LinkedHashMap<>();
    Map<Integer, TensorData> state = new TreeMap<>();
    f.tensors().forEach((k, t) -> {
      if (k.startsWith("model/")) model.put(k.substring(6), t);
      else if (k.startsWith("best/")) best.put(k.substring(5), t);
      else if (k.startsWith("optimizer/state/")) state.put(Integer.parseInt(k.substring(16)), t);
      else if (k.startsWith("optimizer/velocity/")) state.put(Integer.parseInt(k.substring(19)), t); // older files
    });
    Map<String, String> m = f.metadata();
    EarlyStopping.State stopping = new EarlyStopping.State(
        Double.parseDouble(m.getOrDefault("xfer.checkpoint.early_stopping.best", "Infinity")),
        Integer.parseInt(m.getOrDefault("xfer.checkpoint.early_stopping.best_epoch", "0")),
        Integer.parseInt(m.getOrDefault("xfer.checkpoint.early_stopping.wait", "0")),
        Boolean.parseBoolean(m.getOrDefault("xfer.checkpoint.early_stopping.stopped", "false")));
    return new Checkpoint(Integer.parseInt(m.get("xfer.checkpoint.phase_index")),
        Integer.parseInt(m.get("xfer.checkpoint.epochs_done")), Long.parseLong(m.get("xfer.checkpoint.iterations")),
        Long.parseLong(m.get("xfer.checkpoint.seed")), model, m.getOrDefault("xfer.checkpoint.optimizer", "sgd"),
        List.copyOf(state.values()), stopping, best, m.getOrDefault("xfer.checkpoint.history", ""));
  }

  /** Deletes the temporary files of checkpoint writes that never completed (e.g. cut off by Ctrl-C). */
  static void removeInterruptedWrites(Path runDir) throws IOException {
    if (!Files.isDirectory(runDir)) return;
    try (var entries = Files.list(runDir)) {
      for (Path p : entries.toList()) {
        String n = p.getFileName().toString();
        if (n.startsWith("." + FILE_NAME + ".") && n.endsWith(".tmp")) Files.deleteIfExists(p);
      }
    }
  }

  /** Puts the optimizer's state and step counter back. */
  public void restoreOptimizer(Optimizer optimizer) {
    if (!optimizerKind.equals(optimizer.kind())) {
      throw new IllegalStateException("checkpoint was written by optimizer " + optimizerKind + ", this run uses "
          + optimizer.kind() + ": resume with the same options");
    }
    List<Tensor> target = optimizer.state();
    if (optimizerState.size() != target.size()) {
      throw new IllegalStateException("checkpoint has " + optimizerState.size() + " optimizer slots, the phase has "
          + target.size() + ": resume with the same options");
    }
    try (NoGradGuard g = new NoGradGuard()) {
      for (int i = 0; i < optimizerState.size(); i++) target.get(i).copy_(StateDict.toTensor(optimizerState.get(i)));
    }
    optimizer.setIterations(iterations);
  }

  private static TensorData copy(Tensor t) {
    Tensor c = t.detach().cpu().contiguous();
    float[] values = new float[(int) c.numel()];
    new FloatPointer(c.data_ptr()).capacity(values.length).get(values);
    return new TensorData(StateDict.shapeOf(c), values);
  }
}
