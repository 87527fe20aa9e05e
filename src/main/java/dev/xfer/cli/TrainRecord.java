package dev.xfer.cli;

import dev.xfer.data.DataReport;
import dev.xfer.distributed.DataParallel;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.MemoryFormat;
import dev.xfer.train.Evaluator;
import dev.xfer.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code xfer train} records in its run directory: {@code config.json}, the settings of the run
 * (which a resumed run must share, see the resume check), and {@code metrics.json}, its test scores.
 */
final class TrainRecord {
  private TrainRecord() {}

  /** The run's settings as config.json holds them. */
  static Map<String, Object> config(TrainCommand t, LoadedModel loaded, List<String> classes, int size,
      DataParallel parallel, MemoryFormat layout) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("data", t.data.toString());
    c.put("weights", t.weights.weights.toString());
    c.put("weights_format", loaded.format());
    c.put("numerics", loaded.config().numerics().name());
    c.put("classes", classes);
    c.put("image_size", size);
    c.put("jpeg_idct", loaded.preprocessing().jpegIdct().label());
    c.put("batch_size", t.batchSize);
    c.put("shuffle_buffer", t.shuffleBuffer);
    c.put("seed", t.seed);
    c.put("splits", Map.of("train", t.trainSplit, "valid", t.validSplit, "test", t.testSplit));
    c.put("head", Map.of("epochs", t.headEpochs, "lr", t.headLr, "decay", t.headDecay, "momentum", t.momentum));
    c.put("finetune", Map.of("epochs", t.finetuneEpochs, "lr", t.finetuneLr, "decay", t.finetuneDecay, "momentum", t.momentum,
        "unfreeze_from", t.unfreezeFrom));
    c.put("feature_cache", !t.noFeatureCache && !t.randomFlip && !t.randomResizedCrop);
    c.put("optimizer", t.optimizer);
    if (t.optimizer.equalsIgnoreCase("adamw")) c.put("weight_decay", t.weightDecay);
    c.put("schedule", t.schedule);
    c.put("label_smoothing", t.labelSmoothing);
    c.put("backbone_lr_multiplier", t.backboneLrMult);
    if (t.earlyStoppingPatience != null) {
      c.put("early_stopping", Map.of("patience", t.earlyStoppingPatience, "min_delta", t.earlyStoppingMinDelta,
          "restore_best", t.restoreBest, "monitor", t.monitor().key()));
    }
    c.put("augmentation", Map.of("random_flip", t.randomFlip, "random_resized_crop", t.randomResizedCrop));
    c.put("amp", t.amp);
    c.put("channels_last", layout.channelsLast());
    c.put("device", t.device);
    c.put("world_size", parallel.worldSize());
    if (parallel.distributed()) c.put("sync_batch_norm", parallel.syncBatchNorm());
    return c;
  }

  /** Writes metrics.json: test loss and accuracy, per-class scores, the confusion matrix and what the data skipped. */
  static void writeMetrics(Path out, Evaluator.Result r, List<String> classes, DataReport report) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("test_loss", r.loss());
    m.put("test_accuracy", r.accuracy());
    m.put("test_images", r.metrics().count());
    m.put("per_class", r.metrics().perClass(classes));
    m.put("confusion_matrix", r.metrics().confusionRows());
    m.put("data_report", report.summary());
    dev.xfer.util.OutputFiles.writeString(out.resolve("metrics.json"), Json.object(m) + "\n");
  }
}
