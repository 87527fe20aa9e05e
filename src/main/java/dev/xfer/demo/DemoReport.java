package dev.xfer.demo;

import dev.xfer.report.ComparisonChart;
import dev.xfer.train.EpochRecord;
import dev.xfer.util.AtomicFiles;
import dev.xfer.util.Json;
import dev.xfer.util.Machine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;

/** What {@code xfer demo} writes next to its two run folders: the comparison as a chart, JSON and text. */
public final class DemoReport {
  private DemoReport() {}

  /** Writes comparison.png, comparison.json and comparison.txt into {@code runDir}. */
  public static void write(Path runDir, ComparisonTable table, RunResult transfer, RunResult scratch, Path modelFile,
      Path dataDir, DemoSettings settings, double bnMomentum) throws IOException {
    Map<String, List<EpochRecord>> curves = new LinkedHashMap<>();
    curves.put("transfer", transfer.history());
    curves.put("scratch", scratch.history());
    ComparisonChart.write(curves, settings.reachAccuracy(), "xfer demo: pretrained backbone + two-phase recipe vs the same network from scratch",
        runDir.resolve("comparison.png"));
    Map<String, Object> doc = new LinkedHashMap<>(table.json());
    doc.put("model", modelFile.toString());
    doc.put("data", dataDir.toString());
    doc.put("settings", Map.of("head_epochs", settings.headEpochs(), "finetune_epochs", settings.finetuneEpochs(),
        "scratch_lr", settings.scratchLr(), "batch_size", settings.batchSize(), "seed", settings.seed(),
        "bn_momentum", bnMomentum, "tested_weights", settings.testBestEpoch() ? "highest validation accuracy" : "last epoch",
        "channels_last", settings.channelsLast(), "bf16", settings.amp()));
    doc.put("machine", Machine.describe() + ", LibTorch " + torch.get_num_threads() + " threads");
    AtomicFiles.writeString(runDir.resolve("comparison.json"), Json.object(doc) + "\n");
    AtomicFiles.writeString(runDir.resolve("comparison.txt"), table.text());
  }
}
