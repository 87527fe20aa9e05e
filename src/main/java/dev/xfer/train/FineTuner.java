package dev.xfer.train;

import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.io.JsonReader;
import dev.xfer.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The mission's recipe: phases of Keras-style SGD over a progressively unfrozen Xception, validation
 * after every epoch, a checkpoint and history.json written after every epoch, and resume from them.
 *
 * <p>A phase that trains only the head with feature caching on runs the backbone once per image and
 * trains on pooled features with the native head kernel (same result, see FeatureCacheTest).
 */
public final class FineTuner {
  /** How a run behaves beyond the phases themselves. */
  public record Options(int batchSize, long seed, boolean featureCache, Path runDir, ProgressPrinter progress) {
    public Options {
      if (batchSize < 1) throw new IllegalArgumentException("batch size: expected >= 1, found " + batchSize);
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
  public List<EpochRecord> run(TrainingData train, TrainingData valid) throws IOException {
    Checkpoint resume = options.runDir() == null ? null : Checkpoint.read(options.runDir());
    if (resume != null) {
      StateDict.load(model, resume.model(), Checkpoint.FILE_NAME);
      history.addAll(readHistory());
      options.progress().phaseStart(String.format(Locale.ROOT, "resuming: phase %d, %d epoch(s) done",
          resume.phaseIndex() + 1, resume.epochsDone()));
    }
    int epochOffset = 0; // epochs of earlier phases, so every epoch of the run has its own shuffle
    for (int pi = 0; pi < phases.size(); pi++) {
      PhaseConfig phase = phases.get(pi);
      int firstEpoch = 0;
      if (resume != null && pi < resume.phaseIndex()) firstEpoch = phase.epochs();
      if (resume != null && pi == resume.phaseIndex()) firstEpoch = resume.epochsDone();
      if (firstEpoch < phase.epochs()) {
        runPhase(pi, phase, firstEpoch, epochOffset, train, valid, resume != null && pi == resume.phaseIndex() ? resume : null);
      }
      epochOffset += phase.epochs();
    }
    return List.copyOf(history);
  }

  public List<EpochRecord> history() {
    return List.copyOf(history);
  }

  private void runPhase(int phaseIndex, PhaseConfig phase, int firstEpoch, int epochOffset, TrainingData train,
      TrainingData valid, Checkpoint resume) throws IOException {
    Freezer freezer = new Freezer(model, Freezer.stagesBefore(model, phase.firstTrainableStage()));
    List<Tensor> trainable = new ArrayList<>();
    StateDict.tensorsOf(model).forEach((n, t) -> { if (t.requires_grad()) trainable.add(t); });
    KerasSgd sgd = new KerasSgd(trainable, phase.momentum(), phase.nesterov(),
        LearningRateSchedule.kerasDecay(phase.learningRate(), phase.decay()));
    if (resume != null) resume.restoreOptimizer(sgd);
    long[] counts = Freezer.parameterCounts(model);
    boolean cached = phase.headOnly() && options.featureCache();
    options.progress().phaseStart(String.format(Locale.ROOT,
        "phase %s: %,d trainable / %,d non-trainable parameters; BatchNorm of frozen stages in inference mode"
            + " (statistics fixed), trainable BatchNorm momentum %s; SGD lr %s decay %s momentum %s%s",
        phase.name(), counts[0], counts[1], model.config().numerics().bnMomentum(), phase.learningRate(),
        phase.decay(), phase.momentum(), cached ? "; feature cache on (backbone runs once per image)" : ""));

    FeatureCache trainCache = null;
    FeatureCache validCache = null;
    HeadTrainer headTrainer = null;
    if (cached) {
      trainCache = FeatureCache.build(model, train.inOrder(options.batchSize()));
      validCache = FeatureCache.build(model, valid.inOrder(options.batchSize()));
      Map<String, Tensor> t = StateDict.tensorsOf(model);
      headTrainer = new HeadTrainer(t.get("fc.weight"), t.get("fc.bias"), sgd);
    }
    for (int epoch = firstEpoch; epoch < phase.epochs(); epoch++) {
      options.progress().epochStart(phase.name(), epoch + 1, phase.epochs());
      long start = System.nanoTime();
      long[] order = train.order(epochOffset + epoch);
      int steps = (order.length + options.batchSize() - 1) / options.batchSize();
      Iterable<LabeledBatch> batches = cached ? trainCache.batches(order, options.batchSize())
          : train.epochBatches(epochOffset + epoch, options.batchSize());
      double lossSum = 0;
      long correct = 0;
      long seen = 0;
      int step = 0;
      for (LabeledBatch b : batches) {
        double lr = sgd.currentLearningRate();
        HeadTrainer.StepResult r = cached ? headTrainer.step(b) : fullStep(freezer, sgd, b);
        if (!Double.isFinite(r.loss())) {
          throw new TrainingDivergedException(phase.name(), epoch + 1, step + 1, lr, r.loss());
        }
        lossSum += r.loss() * r.count();
        correct += r.correct();
        seen += r.count();
        options.progress().step(++step, steps, lossSum / seen, (double) correct / seen);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Evaluator.Result val = cached
          ? Evaluator.evaluateHead(fc("weight"), fc("bias"), validCache, options.batchSize())
          : Evaluator.evaluate(model, valid, options.batchSize());
      EpochRecord record = new EpochRecord(phase.name(), epoch + 1, lossSum / seen, (double) correct / seen,
          val.loss(), val.accuracy(), sgd.currentLearningRate(), seconds, seen / seconds);
      history.add(record);
      options.progress().epochEnd(record, steps);
      if (options.runDir() != null) {
        writeHistory();
        Checkpoint.capture(phaseIndex, epoch + 1, options.seed(), model, sgd).write(options.runDir());
      }
    }
  }

  private HeadTrainer.StepResult fullStep(Freezer freezer, KerasSgd sgd, LabeledBatch b) {
    try (PointerScope scope = new PointerScope()) {
      freezer.trainMode();
      sgd.zeroGrad();
      Tensor logits = model.forward(b.inputs());
      Tensor loss = torch.nll_loss(torch.log_softmax(logits, 1), b.labels());
      double value = loss.item_double();
      long correct = logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false).eq(b.labels()).sum().item_long();
      if (Double.isFinite(value)) {
        loss.backward();
        sgd.step();
      }
      return new HeadTrainer.StepResult(value, correct, b.labels().size(0));
    }
  }

  private Tensor fc(String which) {
    return StateDict.tensorsOf(model).get("fc." + which).detach();
  }

  private void writeHistory() throws IOException {
    List<Object> rows = new ArrayList<>();
    for (EpochRecord r : history) rows.add(r.toMap());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("epochs", rows);
    Path target = options.runDir().resolve("history.json");
    Path tmp = options.runDir().resolve("history.json.tmp");
    Files.writeString(tmp, Json.object(doc) + "\n");
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private List<EpochRecord> readHistory() throws IOException {
    Path file = options.runDir().resolve("history.json");
    if (!Files.isRegularFile(file)) return List.of();
    Map<?, ?> doc = (Map<?, ?>) JsonReader.parse(Files.readString(file));
    List<EpochRecord> out = new ArrayList<>();
    for (Object o : (List<?>) doc.get("epochs")) out.add(EpochRecord.fromMap((Map<?, ?>) o));
    return out;
  }
}
