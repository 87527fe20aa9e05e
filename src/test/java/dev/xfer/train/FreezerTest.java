package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.model.Numerics;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.model.io.TensorData;
import dev.xfer.testing.PointerScopeExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PointerScopeExtension.class)
class FreezerTest {
  /** Training steps with the backbone frozen leave every backbone tensor, BN statistics included, bit-identical. */
  @Test
  void frozenBackboneIncludingBatchNormStatisticsNeverChanges() {
    torch.manual_seed(3);
    Xception model = new Xception(new XceptionConfig(0.125, 1, 3, Numerics.KERAS));
    Freezer freezer = new Freezer(model, Freezer.stagesBefore(model, "head"));
    Map<String, TensorData> before = StateDict.export(model);
    List<Tensor> trainable = new ArrayList<>();
    StateDict.tensorsOf(model).forEach((n, t) -> { if (t.requires_grad()) trainable.add(t); });
    assertEquals(2, trainable.size(), "only fc.weight and fc.bias");
    KerasSgd sgd = new KerasSgd(trainable, 0.9, false, LearningRateSchedule.kerasDecay(0.2, 0.01));
    for (int step = 0; step < 3; step++) {
      freezer.trainMode();
      sgd.zeroGrad();
      Tensor x = torch.randn(4, 3, 71, 71).mul(new org.bytedeco.pytorch.Scalar(3f)).add(new org.bytedeco.pytorch.Scalar(1f));
      Tensor labels = dev.xfer.kernels.Tensors.ofLongs(new long[] {0, 1, 2, 1});
      torch.nll_loss(torch.log_softmax(model.forward(x), 1), labels).backward();
      sgd.step();
    }
    Map<String, TensorData> after = StateDict.export(model);
    int compared = 0;
    for (String name : before.keySet()) {
      boolean head = name.startsWith("fc.");
      boolean same = java.util.Arrays.equals(before.get(name).values(), after.get(name).values());
      if (head) assertFalse(same, name + " trained");
      else {
        assertTrue(same, name + " must stay bit-identical");
        compared++;
      }
    }
    assertTrue(compared > 100);
  }

  /** Without the freezer's enforce(), train() would put BN back into training mode: the failure peers ship. */
  @Test
  void trainModeAloneWouldUpdateStatistics() {
    Xception model = new Xception(new XceptionConfig(0.125, 0, 2, Numerics.KERAS));
    float[] before = StateDict.export(model).get("bn1.running_mean").values();
    model.train(true);
    model.forward(torch.randn(2, 3, 71, 71).add(new org.bytedeco.pytorch.Scalar(2f)));
    float[] after = StateDict.export(model).get("bn1.running_mean").values();
    assertFalse(java.util.Arrays.equals(before, after), "control: an unfrozen BN updates its statistics");
  }

  @Test
  void keepsKerasParameterCountsForTheRecipeModel() {
    Xception model = new Xception(XceptionConfig.full(5, Numerics.KERAS));
    new Freezer(model, Freezer.stagesBefore(model, "head"));
    assertArrayEquals(new long[] {10_245, 20_861_480}, Freezer.parameterCounts(model), "phase 1 (spec §1.5)");
    new Freezer(model, Freezer.stagesBefore(model, "stem"));
    assertArrayEquals(new long[] {20_817_197, 54_528}, Freezer.parameterCounts(model), "phase 2");
  }
}
