package dev.xfer.train;

import dev.xfer.data.DataReport;
import dev.xfer.data.Sample;
import dev.xfer.model.ModelFile;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.Xception;
import dev.xfer.util.AtomicFiles;
import dev.xfer.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files of one training run directory: config.json (the settings, checked against the recorded ones
 * on --resume), history.json and the checkpoint (written by {@link FineTuner} after every epoch),
 * model.safetensors and metrics.json at the end, and where the charts go. Ranks 1..N-1 of a data-parallel
 * job log under {@link #WORKER_LOGS}.
 */
public final class TrainingRun {
  /** Sub-folder of the run directory where a local launch puts the logs of ranks 1..N-1. */
  public static final String WORKER_LOGS = "workers";

  private final TrainingSettings settings;

  public TrainingRun(TrainingSettings settings) {
    this.settings = settings;
  }

  public Path dir() {
    return settings.out();
  }

  /** Locks the run directory (created; it must be empty unless resuming). */
  public RunDirectory open() throws IOException {
    return RunDirectory.open(settings.out(), settings.data(), settings.resume(), Set.of(WORKER_LOGS));
  }

  /** On --resume, refuses another world size than the run started with. */
  public void checkWorldSize(int worldSize) throws IOException {
    if (settings.resume()) ResumeCheck.requireSameWorldSize(settings.out(), worldSize);
  }

  /**
   * Records {@code config} with the data's fingerprint: on --resume compared with the recorded settings first
   * (before anything is overwritten), then written to config.json when {@code writer}. Returns what was recorded.
   */
  public Map<String, Object> recordConfig(Map<String, Object> config, List<String> classes, List<Sample> samples,
      boolean writer) throws IOException {
    Map<String, Object> record = new LinkedHashMap<>(config);
    record.put("data_fingerprint", ResumeCheck.fingerprint(classes, samples));
    if (settings.resume()) record = ResumeCheck.compare(settings.out(), record, settings.resumeWithChanges());
    if (writer) AtomicFiles.writeString(settings.out().resolve("config.json"), Json.object(record) + "\n");
    return record;
  }

  /** Writes model.safetensors and metrics.json (test loss and accuracy, per-class scores, confusion, skipped data). */
  public void writeResults(Xception model, Preprocessing preprocessing, List<String> classes, Evaluator.Result r,
      DataReport report) throws IOException {
    ModelFile.save(settings.out().resolve("model.safetensors"), model, preprocessing, classes);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("test_loss", r.loss());
    m.put("test_accuracy", r.accuracy());
    m.put("test_images", r.metrics().count());
    m.put("per_class", r.metrics().perClass(classes));
    m.put("confusion_matrix", r.metrics().confusionRows());
    m.put("data_report", report.summary());
    AtomicFiles.writeString(settings.out().resolve("metrics.json"), Json.object(m) + "\n");
  }

  /** curves.png: loss and accuracy per epoch. */
  public Path curvesChart() {
    return settings.out().resolve("curves.png");
  }

  /** confusion.png: the test confusion matrix. */
  public Path confusionChart() {
    return settings.out().resolve("confusion.png");
  }
}
