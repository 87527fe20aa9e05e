package dev.xfer.transfer.adaptation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.data.LabeledBatch;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.Numerics;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class BatchNormAdaptationTest {
  @Test
  void reestimatesRunningStatisticsAndChangesNothingElse() {
    torch.manual_seed(11);
    Xception model = new Xception(new XceptionConfig(0.03, 0, 3, Numerics.KERAS));
    model.eval();
    Map<String, Tensor> before = new HashMap<>();
    StateDict.tensorsOf(model).forEach((n, t) -> before.put(n, t.detach().clone()));
    // a "target domain": inputs with mean 1.5 and standard deviation 2, two batches of equal size
    List<LabeledBatch> batches = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      batches.add(new LabeledBatch(torch.randn(new long[] {4, 3, 71, 71}).mul(new Scalar(2.0)).add(new Scalar(1.5)),
          Tensors.ofLongs(new long[] {0, 1, 2, 0})));
    }

    BatchNormAdaptation.Result r = BatchNormAdaptation.reestimate(model, batches);

    assertEquals(8, r.images());
    assertEquals(2, r.batches());
    List<BatchNorm2dImpl> layers = BatchNormAdaptation.batchNorms(model);
    assertEquals(r.layers(), layers.size());
    assertTrue(layers.size() >= 10, "every BatchNorm layer of the net: " + layers.size());
    for (BatchNorm2dImpl bn : layers) assertEquals(0.01, bn.options().momentum().get(), 0, "momentum restored");
    assertFalse(model.is_training(), "left in inference mode");
    StateDict.tensorsOf(model).forEach((name, t) -> {
      boolean same = torch.equal(t, before.get(name));
      if (name.endsWith("running_mean") || name.endsWith("running_var")) {
        assertFalse(same, name + " re-estimated");
      } else {
        assertTrue(same, name + " untouched");
      }
    });

    // oracle for the first layer: bn1 sees conv1's output; with cumulative averaging over equal batches,
    // running_mean is the mean of the batch means and running_var the mean of the unbiased batch variances
    Conv2dOptions o = new Conv2dOptions(3, (int) before.get("conv1.weight").size(0), new LongPointer(3L, 3L));
    o.stride().put(new LongPointer(2L, 2L));
    o.bias().put(false);
    Conv2dImpl conv1 = new Conv2dImpl(o);
    float[] expectedMean;
    float[] expectedVar;
    try (NoGradGuard g = new NoGradGuard()) {
      conv1.weight().copy_(before.get("conv1.weight"));
      Tensor meanSum = null;
      Tensor varSum = null;
      for (LabeledBatch b : batches) {
        Tensor y = conv1.forward(b.inputs()).transpose(0, 1).reshape(o.out_channels().get(), -1);
        Tensor m = y.mean(1);
        Tensor v = y.sub(m.unsqueeze(1)).pow(new Scalar(2)).sum(1).div(new Scalar((double) (y.size(1) - 1)));
        meanSum = meanSum == null ? m : meanSum.add(m);
        varSum = varSum == null ? v : varSum.add(v);
      }
      expectedMean = Tensors.toFloatArray(meanSum.div(new Scalar(2.0)));
      expectedVar = Tensors.toFloatArray(varSum.div(new Scalar(2.0)));
    }
    float[] mean = Tensors.toFloatArray(StateDict.tensorsOf(model).get("bn1.running_mean"));
    float[] var = Tensors.toFloatArray(StateDict.tensorsOf(model).get("bn1.running_var"));
    for (int c = 0; c < mean.length; c++) {
      assertEquals(expectedMean[c], mean[c], 1e-4 + 1e-4 * Math.abs(expectedMean[c]), "bn1 mean, channel " + c);
      assertEquals(expectedVar[c], var[c], 1e-4 * Math.abs(expectedVar[c]) + 1e-5, "bn1 variance, channel " + c);
    }
  }
}
