package dev.xfer.demo;

import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelFile;
import dev.xfer.model.Xception;
import dev.xfer.train.EarlyStopping;
import dev.xfer.train.EpochRecord;
import dev.xfer.train.Evaluator;
import dev.xfer.train.FineTuner;
import dev.xfer.train.PhaseConfig;
import dev.xfer.train.ProgressPrinter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.bytedeco.pytorch.global.torch;

/**
 * Runs the two arms of the demo on the same data with the same budget: the pretrained backbone
 * fine-tuned with the two-phase recipe, and the same architecture trained from scratch. Each arm
 * writes its run directory (history.json, per-epoch checkpoint, model.safetensors).
 */
public final class TransferDemo {
  private final LoadedModel backbone;
  private final String backboneName;
  private final DemoSettings settings;
  private final ProgressPrinter progress;

  public TransferDemo(LoadedModel backbone, String backboneName, DemoSettings settings, ProgressPrinter progress) {
    this.backbone = backbone;
    this.backboneName = backboneName;
    this.settings = settings;
    this.progress = progress;
  }

  /** The pretrained backbone with a new head: phase 1 head only, phase 2 everything. */
  public RunResult transfer(DemoData data, Path runDir) throws IOException {
    long start = System.nanoTime();
    torch.manual_seed(settings.seed());
    Xception model = backbone.build(backboneName);
    model.resetClassifier(data.classes().size());
    List<PhaseConfig> phases = List.of(
        new PhaseConfig("head", settings.headEpochs(), 0.2, 0.01, 0.9, false, "head"),
        new PhaseConfig("finetune", settings.finetuneEpochs(), 0.01, 0.001, 0.9, false, "stem"));
    return run("transfer", model, phases, data, runDir, start);
  }

  /** The same architecture from random weights, all stages trainable, the same epochs and steps. */
  public RunResult scratch(DemoData data, Path runDir) throws IOException {
    long start = System.nanoTime();
    torch.manual_seed(settings.seed());
    Xception model = new Xception(backbone.config().withNumClasses(data.classes().size()));
    List<PhaseConfig> phases = List.of(
        new PhaseConfig("scratch", settings.totalEpochs(), settings.scratchLr(), 0.001, 0.9, false, "stem"));
    return run("scratch", model, phases, data, runDir, start);
  }

  /**
   * Never stops a phase (no patience runs out), only restores its highest-validation-accuracy epoch
   * at the end: the demo compares accuracies, and a from-scratch network's validation loss can stay
   * above an early epoch's long after its accuracy has passed it (overconfident mistakes).
   */
  private static final EarlyStopping KEEP_BEST =
      new EarlyStopping(Integer.MAX_VALUE, 0, true, EarlyStopping.Monitor.VAL_ACCURACY);

  /** The 1-based epoch (across phases) whose weights KEEP_BEST left: its own rule replayed over the last phase. */
  static int keptEpoch(List<EpochRecord> history) {
    if (history.isEmpty()) return 0;
    String lastPhase = history.get(history.size() - 1).phase();
    int phaseStart = history.size();
    while (phaseStart > 0 && history.get(phaseStart - 1).phase().equals(lastPhase)) phaseStart--;
    EarlyStopping.State state = EarlyStopping.State.START;
    for (EpochRecord r : history.subList(phaseStart, history.size())) {
      state = KEEP_BEST.observe(state, r.epoch(), r.valLoss(), r.valAccuracy());
    }
    return state.bestEpoch() == 0 ? history.size() : phaseStart + state.bestEpoch();
  }

  private RunResult run(String name, Xception model, List<PhaseConfig> phases, DemoData data, Path runDir, long start)
      throws IOException {
    if (settings.channelsLast()) model.useChannelsLast();
    Files.createDirectories(runDir);
    progress.note("== " + name + " ==");
    FineTuner.Options options = new FineTuner.Options(settings.batchSize(), settings.seed(), true, runDir, progress)
        .withAmp(settings.amp());
    if (settings.testBestEpoch()) options = options.withEarlyStopping(KEEP_BEST);
    List<EpochRecord> history = new FineTuner(model, phases, options).run(data.train(), data.valid());
    Evaluator.Result test = Evaluator.evaluate(model, data.test(), settings.batchSize(), settings.amp());
    ModelFile.save(runDir.resolve("model.safetensors"), model, backbone.preprocessing(), data.classes());
    double seconds = (System.nanoTime() - start) / 1e9;
    int tested = settings.testBestEpoch() ? keptEpoch(history) : history.size();
    progress.note(String.format(Locale.ROOT, "%s: test accuracy %.1f%% with the weights of epoch %d of %d (%s)", name,
        100 * test.accuracy(), tested, history.size(), settings.testBestEpoch() ? "highest validation accuracy" : "the last"));
    return new RunResult(name, history, test.accuracy(), test.loss(), tested, seconds);
  }
}
