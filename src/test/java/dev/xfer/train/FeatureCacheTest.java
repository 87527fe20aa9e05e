package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.data.LabeledBatch;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.Numerics;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.testing.PointerScopeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Phase 1 on cached pooled features (native head kernel) against phase 1 through the frozen backbone (autograd). */
@ExtendWith(PointerScopeExtension.class)
class FeatureCacheTest {
  @Test
  void cachedAndUncachedPhaseOneReachTheSameHead() {
    torch.manual_seed(11);
    XceptionConfig config = new XceptionConfig(0.125, 1, 3, Numerics.KERAS);
    Xception uncached = new Xception(config);
    Xception cached = new Xception(config);
    StateDict.load(cached, StateDict.export(uncached), "copy");

    Random rng = new Random(5);
    List<LabeledBatch> batches = new ArrayList<>();
    for (int b = 0; b < 3; b++) {
      float[] px = new float[4 * 3 * 75 * 75];
      for (int i = 0; i < px.length; i++) px[i] = rng.nextFloat() * 2 - 1;
      long[] y = {rng.nextInt(3), rng.nextInt(3), rng.nextInt(3), rng.nextInt(3)};
      batches.add(new LabeledBatch(Tensors.ofFloats(px, 4, 3, 75, 75), Tensors.ofLongs(y)));
    }

    float[] initial = Tensors.toFloatArray(StateDict.tensorsOf(uncached).get("fc.weight"));
    // uncached: the frozen backbone runs every step, autograd computes the head's gradients
    Freezer freezer = new Freezer(uncached, Freezer.stagesBefore(uncached, "head"));
    Map<String, Tensor> u = StateDict.tensorsOf(uncached);
    KerasSgd sgdU = new KerasSgd(List.of(u.get("fc.weight"), u.get("fc.bias")), 0.9, false, LearningRateSchedule.kerasDecay(0.2, 0.01));
    for (int epoch = 0; epoch < 2; epoch++) {
      for (LabeledBatch b : batches) {
        freezer.trainMode();
        sgdU.zeroGrad();
        torch.nll_loss(torch.log_softmax(uncached.forward(b.inputs()), 1), b.labels()).backward();
        sgdU.step();
      }
    }

    // cached: one backbone pass, then the native head kernel on pooled features
    FeatureCache cache = FeatureCache.build(cached, batches);
    Map<String, Tensor> c = StateDict.tensorsOf(cached);
    KerasSgd sgdC = new KerasSgd(List.of(c.get("fc.weight"), c.get("fc.bias")), 0.9, false, LearningRateSchedule.kerasDecay(0.2, 0.01));
    HeadTrainer trainer = new HeadTrainer(c.get("fc.weight"), c.get("fc.bias"), sgdC);
    int[] order = new int[(int) cache.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    for (int epoch = 0; epoch < 2; epoch++) {
      for (LabeledBatch b : cache.batches(order, 4)) trainer.step(b);
    }

    float[] wu = Tensors.toFloatArray(u.get("fc.weight"));
    float[] wc = Tensors.toFloatArray(c.get("fc.weight"));
    double maxW = 0;
    double diff = 0;
    for (int i = 0; i < wu.length; i++) {
      maxW = Math.max(maxW, Math.abs(wu[i]));
      diff = Math.max(diff, Math.abs(wu[i] - wc[i]));
    }
    float[] bu = Tensors.toFloatArray(u.get("fc.bias"));
    float[] bc = Tensors.toFloatArray(c.get("fc.bias"));
    for (int i = 0; i < bu.length; i++) diff = Math.max(diff, Math.abs(bu[i] - bc[i]));
    System.out.printf("cached vs uncached phase 1: max |diff| %.2e, max |weight| %.3f%n", diff, maxW);
    assertTrue(diff <= 1e-4 * maxW, "max |diff| " + diff + " vs 1e-4 x max |w| " + 1e-4 * maxW);
    // the head moved far more than the two paths differ: not two untouched initialisations
    double moved = 0;
    for (int i = 0; i < wu.length; i++) moved = Math.max(moved, Math.abs(wu[i] - initial[i]));
    System.out.printf("head moved by up to %.3e during training%n", moved);
    assertTrue(moved > 1000 * diff, "training moved the head by " + moved);
  }
}
