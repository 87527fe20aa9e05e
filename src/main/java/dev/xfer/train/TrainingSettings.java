package dev.xfer.train;

import dev.xfer.data.Augmentation;
import dev.xfer.data.BadImagePolicy;
import dev.xfer.distributed.DataParallel;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.MemoryFormat;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of one {@code xfer train} run, as its options give them: data and splits, the two phases
 * of the recipe and their optional choices, and where the run is written. {@link #config} is what
 * config.json records (and what a resumed run must share).
 */
public record TrainingSettings(Path data, Path weights, Path out, boolean resume, boolean resumeWithChanges,
    int batchSize, int shuffleBuffer, long seed, String testSplit, String validSplit, String trainSplit,
    int headEpochs, double headLr, double headDecay, int finetuneEpochs, double finetuneLr, double finetuneDecay,
    double momentum, String unfreezeFrom, boolean featureCache, String optimizer, double weightDecay, String schedule,
    double labelSmoothing, double backboneLrMult, Integer earlyStoppingPatience, String monitor,
    double earlyStoppingMinDelta, boolean restoreBest, boolean randomFlip, boolean randomResizedCrop, String device,
    String onBadImage) {

  /** Refuses option combinations that cannot run, before any data is read. */
  public void validate() {
    if (restoreBest && earlyStoppingPatience == null) throw new IllegalArgumentException("--restore-best: needs --early-stopping PATIENCE");
    monitorKind(); // a bad --monitor fails before any data is read
    if (resumeWithChanges && !resume) throw new IllegalArgumentException("--resume-with-changes: needs --resume");
    phases(); // a bad --schedule or --optimizer too
  }

  /** Phase 1 (new head on the frozen backbone) and phase 2 (fine-tuning from --unfreeze-from on). */
  public List<PhaseConfig> phases() {
    return List.of(
        phase(new PhaseConfig("head", headEpochs, headLr, headDecay, momentum, false, "head")),
        phase(new PhaseConfig("finetune", finetuneEpochs, finetuneLr, finetuneDecay, momentum, false, unfreezeFrom)));
  }

  /** The recipe's phase with the optional choices. */
  private PhaseConfig phase(PhaseConfig base) {
    PhaseConfig p = base.withSchedule(PhaseConfig.Schedule.parse(schedule)).withLabelSmoothing(labelSmoothing)
        .withBackboneLrMultiplier(backboneLrMult);
    return PhaseConfig.OptimizerKind.parse(optimizer) == PhaseConfig.OptimizerKind.ADAMW ? p.withAdamW(weightDecay) : p;
  }

  /** What --early-stopping and --restore-best watch. */
  public EarlyStopping.Monitor monitorKind() {
    for (EarlyStopping.Monitor m : EarlyStopping.Monitor.values()) if (m.key().equals(monitor)) return m;
    throw new IllegalArgumentException("--monitor: expected val_loss or val_accuracy, found " + monitor);
  }

  /** Early stopping as configured, or null when off. */
  public EarlyStopping earlyStopping() {
    return earlyStoppingPatience == null ? null
        : new EarlyStopping(earlyStoppingPatience, earlyStoppingMinDelta, restoreBest, monitorKind());
  }

  /** The training images' augmentation. */
  public Augmentation augmentation() {
    return new Augmentation(randomFlip, randomResizedCrop, 0.08, 1.0, 3.0 / 4, 4.0 / 3);
  }

  public BadImagePolicy badImagePolicy() {
    return BadImagePolicy.valueOf(onBadImage.toUpperCase(Locale.ROOT));
  }

  /** The run's settings as config.json holds them; {@code amp} is what the run uses after the host check. */
  public Map<String, Object> config(LoadedModel loaded, List<String> classes, int size, DataParallel parallel,
      MemoryFormat format, boolean amp) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("data", data.toString());
    c.put("weights", weights.toString());
    c.put("weights_format", loaded.format());
    c.put("numerics", loaded.config().numerics().name());
    c.put("classes", classes);
    c.put("image_size", size);
    c.put("jpeg_idct", loaded.preprocessing().jpegIdct().label());
    c.put("batch_size", batchSize);
    c.put("shuffle_buffer", shuffleBuffer);
    c.put("seed", seed);
    c.put("splits", Map.of("train", trainSplit, "valid", validSplit, "test", testSplit));
    c.put("head", Map.of("epochs", headEpochs, "lr", headLr, "decay", headDecay, "momentum", momentum));
    c.put("finetune", Map.of("epochs", finetuneEpochs, "lr", finetuneLr, "decay", finetuneDecay, "momentum", momentum,
        "unfreeze_from", unfreezeFrom));
    c.put("feature_cache", featureCache && !randomFlip && !randomResizedCrop);
    c.put("optimizer", optimizer);
    if (optimizer.equalsIgnoreCase("adamw")) c.put("weight_decay", weightDecay);
    c.put("schedule", schedule);
    c.put("label_smoothing", labelSmoothing);
    c.put("backbone_lr_multiplier", backboneLrMult);
    if (earlyStoppingPatience != null) {
      c.put("early_stopping", Map.of("patience", earlyStoppingPatience, "min_delta", earlyStoppingMinDelta,
          "restore_best", restoreBest, "monitor", monitorKind().key()));
    }
    c.put("augmentation", Map.of("random_flip", randomFlip, "random_resized_crop", randomResizedCrop));
    c.put("amp", amp);
    c.put("channels_last", format.channelsLast());
    c.put("device", device);
    c.put("world_size", parallel.worldSize());
    if (parallel.distributed()) c.put("sync_batch_norm", parallel.syncBatchNorm());
    return c;
  }
}
