package dev.xfer.train;

import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.StringSharedModuleDict;
import org.bytedeco.pytorch.Tensor;

/**
 * Freezes stages of an Xception the way Keras' {@code layer.trainable = False} does: parameters stop
 * receiving gradients AND every BatchNorm inside runs in inference mode, so its running statistics
 * never change (the silent failure peers ship: frozen weights, BN still updating).
 *
 * <p>{@code Module.train()} recurses into children, so {@link #enforce} must run after every switch
 * to training mode; {@link #trainMode} does both.
 */
public final class Freezer {
  private final Xception model;
  private final Set<String> frozenStages;

  /** Freezes {@code frozenStages} (names from {@link Xception#stageNames()}). */
  public Freezer(Xception model, Set<String> frozenStages) {
    List<String> known = model.stageNames();
    for (String s : frozenStages) {
      if (!known.contains(s)) throw new IllegalArgumentException("stage " + s + ": expected one of " + known);
    }
    this.model = model;
    this.frozenStages = Set.copyOf(frozenStages);
    StateDict.tensorsOf(model).forEach((name, t) -> {
      if (t.requires_grad() || isParameter(name)) t.requires_grad_(!frozenStages.contains(Xception.stageOf(name)));
    });
  }

  /** Every stage before {@code firstTrainable} in forward order; "head" keeps only the classifier trainable. */
  public static Set<String> stagesBefore(Xception model, String firstTrainable) {
    List<String> stages = model.stageNames();
    int index = stages.indexOf(firstTrainable);
    if (index < 0) throw new IllegalArgumentException("stage " + firstTrainable + ": expected one of " + stages);
    return new LinkedHashSet<>(stages.subList(0, index));
  }

  /** Training mode for the trainable stages, inference mode for every BatchNorm in a frozen stage. */
  public void trainMode() {
    model.train(true);
    enforce();
  }

  /** Puts the BatchNorm layers of frozen stages back into inference mode. */
  public void enforce() {
    StringSharedModuleDict modules = model.named_modules();
    for (long i = 0; i < modules.size(); i++) {
      org.bytedeco.javacpp.BytePointer key = modules.get(i).key();
      String name = key == null ? "" : key.getString();
      if (name.isEmpty()) continue; // the root module
      Module m = modules.get(i).value();
      if (m.name().getString().contains("BatchNorm") && frozenStages.contains(Xception.stageOf(name))) m.eval();
    }
  }

  public Set<String> frozenStages() {
    return frozenStages;
  }

  /** Trainable and non-trainable element counts, Keras' way (BN statistics are non-trainable). */
  public static long[] parameterCounts(Xception model) {
    long trainable = 0;
    long frozen = 0;
    for (Map.Entry<String, Tensor> e : StateDict.tensorsOf(model).entrySet()) {
      if (e.getValue().requires_grad()) trainable += e.getValue().numel();
      else frozen += e.getValue().numel();
    }
    return new long[] {trainable, frozen};
  }

  private static boolean isParameter(String name) {
    return !name.endsWith("running_mean") && !name.endsWith("running_var");
  }
}
