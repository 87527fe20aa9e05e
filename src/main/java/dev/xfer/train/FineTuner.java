package dev.xfer.train;

import dev.xfer.data.Dataset;
import dev.xfer.data.LabeledBatch;
import dev.xfer.distributed.DataParallel;
import dev.xfer.model.GraphCuts;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.io.TensorData;
import dev.xfer.util.NativeHeap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * The transfer recipe: phases of training over a progressively unfrozen Xception, validation after
 * every epoch, a checkpoint and history.json written after every epoch, and resume from them.
 *
 * <p>A phase that trains only the head with feature caching on (and no augmentation) runs the
 * backbone once per image and trains on pooled features (same result, see FeatureCacheTest).
 */
public final class FineTuner {
  /**
   * How a run behaves beyond the phases themselves.
   *
   * @param earlyStopping early stopping on validation loss, per phase (null: off)
   * @param amp bf16 autocast for backbone passes (the caller checks the CPU supports it)
   * @param parallel the data-parallel job this process is a rank of ({@link DataParallel#single()}: none);
   *     {@code batchSize} is then per rank, and only rank 0 writes to {@code runDir}
   */
  public record Options(int batchSize, long seed, boolean featureCache, Path runDir, ProgressPrinter progress,
      EarlyStopping earlyStopping, boolean amp, DataParallel parallel) {
    public Options {
      if (batchSize < 1) throw new IllegalArgumentException("batch size: expected >= 1, found " + batchSize);
      if (parallel == null) parallel = DataParallel.single();
    }

    /** Without early stopping, in float32, one process. */
    public Options(int batchSize, long seed, boolean featureCache, Path runDir, ProgressPrinter progress) {
      this(batchSize, seed, featureCache, runDir, progress, null, false, null);
    }

    public Options withEarlyStopping(EarlyStopping e) {
      return new Options(batchSize, seed, featureCache, runDir, progress, e, amp, parallel);
    }

    public Options withAmp(boolean on) {
      return new Options(batchSize, seed, featureCache, runDir, progress, earlyStopping, on, parallel);
    }

    public Options withParallel(DataParallel p) {
      return new Options(batchSize, seed, featureCache, runDir, progress, earlyStopping, amp, p);
    }

    /** True when this process writes checkpoints and history (a run directory, and rank 0). */
    boolean writes() {
      return runDir != null && parallel.writesOutputs();
    }
  }

  private final Xception model;
  private final List<PhaseConfig> phases;
  private final Options options;
  private final List<EpochRecord> history = new ArrayList<>();

  public FineTuner(Xception model, List<PhaseConfig> phases, Options options) {
    if (!model.hasClassifier()) throw new IllegalArgumentException("model: expected a classifier head (resetClassifier(k) first)");
    this.model = model;
    this.phases = List.copyOf(phases);
    this.options = options;
  }

  /** Runs (or, with a checkpoint in the run directory, continues) every phase; returns the history. */
  public List<EpochRecord> run(Dataset train, Dataset valid) throws IOException {
    Checkpoint resume = options.runDir() == null ? null : Checkpoint.read(options.runDir());
    if (resume != null) {
      StateDict.load(model, resume.model(), Checkpoint.FILE_NAME);
      history.addAll(resume.historyJson().isEmpty() ? readHistory() : HistoryFile.parse(resume.historyJson()));
      options.progress().note(String.format(Locale.ROOT, "resuming: phase %d, %d epoch(s) done%s",
          resume.phaseIndex() + 1, resume.epochsDone(), resume.stopping().stopped() ? " (stopped early)" : ""));
    }
    options.parallel().configure(model);
    options.parallel().broadcastFromRank0(StateDict.tensorsOf(model).values());
    try (InterruptGuard guard = !options.writes() ? null : new InterruptGuard(options.runDir(), System.err)) {
      int epochOffset = 0; // epochs of earlier phases, so every epoch of the run has its own shuffle
      for (int pi = 0; pi < phases.size(); pi++) {
        PhaseConfig phase = phases.get(pi);
        boolean resumesHere = resume != null && pi == resume.phaseIndex();
        int firstEpoch = 0;
        if (resume != null && pi < resume.phaseIndex()) firstEpoch = phase.epochs();
        if (resumesHere) firstEpoch = resume.stopping().stopped() ? phase.epochs() : resume.epochsDone();
        if (firstEpoch < phase.epochs()) {
          runPhase(pi, phase, firstEpoch, epochOffset, train, valid, resumesHere ? resume : null, guard);
        }
        epochOffset += phase.epochs();
      }
    }
    return List.copyOf(history);
  }

  public List<EpochRecord> history() {
    return List.copyOf(history);
  }

  private void runPhase(int phaseIndex, PhaseConfig phase, int firstEpoch, int epochOffset, Dataset train,
      Dataset valid, Checkpoint resume, InterruptGuard guard) throws IOException {
    Freezer freezer = new Freezer(model, Freezer.stagesBefore(model, phase.firstTrainableStage()));
    Map<String, Tensor> trainable = new LinkedHashMap<>();
    StateDict.tensorsOf(model).forEach((n, t) -> { if (t.requires_grad()) trainable.put(n, t); });
    DataParallel parallel = options.parallel();
    int examplesPerRank = train.size() / parallel.worldSize(); // the epoch is trimmed to a multiple of the world size
    int steps = (examplesPerRank + options.batchSize() - 1) / options.batchSize();
    Optimizer optimizer = phase.newOptimizer(trainable, steps);
    if (resume != null) resume.restoreOptimizer(optimizer);
    EarlyStopping stopping = options.earlyStopping();
    EarlyStopping.State stopState = resume != null ? resume.stopping() : EarlyStopping.State.START;
    Map<String, TensorData> best = resume != null ? resume.bestModel() : Map.of();
    boolean cached = phase.headOnly() && options.featureCache() && !train.augmented();
    announce(phase, cached, optimizer);
    PhaseStep stepper = cached ? new CachedHeadStep(model, optimizer, phase.labelSmoothing(), options, train, valid)
        : new FullNetworkStep(model, freezer, optimizer, phase.labelSmoothing(), options, train, valid);
    DivergenceGuard divergence = new DivergenceGuard(phase.name());
    for (int epoch = firstEpoch; epoch < phase.epochs(); epoch++) {
      options.progress().epochStart(phase.name(), epoch + 1, phase.epochs());
      long start = System.nanoTime();
      int[] order = parallel.trainingShard(train.order(epochOffset + epoch));
      double lossSum = 0;
      long correct = 0;
      long seen = 0;
      int step = 0;
      for (LabeledBatch b : stepper.epochBatches(epochOffset + epoch, order)) {
        double lr = optimizer.currentLearningRate();
        StepResult r = stepper.step(b);
        divergence.check(epoch + 1, step + 1, lr, r.loss());
        lossSum += r.loss() * r.count();
        correct += r.correct();
        seen += r.count();
        options.progress().step(++step, steps, lossSum / seen, (double) correct / seen);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (parallel.distributed() && !parallel.syncBatchNorm()) {
        // per-rank BatchNorm statistics drift apart: validate, checkpoint and continue with rank 0's, as DDP's
        // broadcast_buffers leaves them
        parallel.broadcastFromRank0(runningStatistics());
      }
      Evaluator.Result val = stepper.validate();
      NativeHeap.trim(); // the epoch's freed activations leave the resident set
      EpochRecord record = new EpochRecord(phase.name(), epoch + 1, lossSum / seen, (double) correct / seen,
          val.loss(), val.accuracy(), optimizer.currentLearningRate(), seconds, seen / seconds);
      history.add(record);
      options.progress().epochEnd(record, steps);

      boolean lastEpoch = epoch + 1 == phase.epochs();
      if (stopping != null) {
        stopState = stopping.observe(stopState, epoch + 1, val.loss(), val.accuracy());
        if (stopping.restoreBest() && EarlyStopping.improvedAt(stopState, epoch + 1)) best = StateDict.export(model);
        if (stopState.stopped()) {
          options.progress().note(String.format(Locale.ROOT,
              "early stopping: %s has not improved for %d epoch(s); best epoch %d (%s %.4f)", stopping.monitor().key(),
              stopState.epochsWithoutImprovement(), stopState.bestEpoch(), stopping.monitor().key(),
              stopping.monitor().value(stopState.best())));
        }
        if ((stopState.stopped() || lastEpoch) && stopping.restoreBest() && stopState.bestEpoch() != epoch + 1 && !best.isEmpty()) {
          StateDict.load(model, best, "best epoch");
          options.progress().note(String.format(Locale.ROOT, "restored the weights of %s epoch %d (%s %.4f)",
              phase.name(), stopState.bestEpoch(), stopping.monitor().key(), stopping.monitor().value(stopState.best())));
        }
      }
      boolean phaseEnds = lastEpoch || stopState.stopped();
      if (options.writes()) {
        Checkpoint checkpoint = Checkpoint.capture(phaseIndex, epoch + 1, options.seed(), model, optimizer, stopState,
            phaseEnds || stopping == null || !stopping.restoreBest() ? Map.of() : best, historyJson());
        String done = String.format(Locale.ROOT, "phase %s epoch %d", phase.name(), epoch + 1);
        guard.write(() -> {
          writeHistory();
          checkpoint.write(options.runDir());
        }, done);
      }
      if (stopState.stopped()) break;
    }
  }

  private void announce(PhaseConfig phase, boolean cached, Optimizer optimizer) {
    long[] counts = Freezer.parameterCounts(model);
    options.progress().phaseStart(String.format(Locale.ROOT,
        "phase %s: %,d trainable / %,d non-trainable parameters; BatchNorm of frozen stages in inference mode"
            + " (statistics fixed), trainable BatchNorm momentum %s; %s%s%s",
        phase.name(), counts[0], counts[1], model.config().numerics().bnMomentum(),
        phase.describeOptimizer() + (optimizer instanceof KerasSgd sgd && sgd.fused() ? " (one native pass)" : ""),
        cached ? "; feature cache on (backbone runs once per image)" : "", options.amp() ? "; bf16 autocast" : "")
        + (!cached && !phase.headOnly() && GraphCuts.applies(model)
            ? "; depthwise convolutions' backward pass native (one pass)" : ""));
    if (phase.headOnly() && options.featureCache() && !cached) {
      options.progress().note("note: feature cache off for this phase: augmentation changes every image each epoch,"
          + " so the frozen backbone runs every step");
    }
  }

  private List<Tensor> runningStatistics() {
    List<Tensor> out = new ArrayList<>();
    StateDict.tensorsOf(model).forEach((name, t) -> {
      if (name.endsWith("running_mean") || name.endsWith("running_var")) out.add(t);
    });
    return out;
  }

  private String historyJson() {
    return HistoryFile.json(history);
  }

  private void writeHistory() throws IOException {
    HistoryFile.write(options.runDir(), history);
  }

  private List<EpochRecord> readHistory() throws IOException {
    return HistoryFile.read(options.runDir());
  }
}
