package dev.xfer.transfer;

import dev.xfer.data.Dataset;
import dev.xfer.data.LabeledBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * The plain training loop the transfer experiments share: {@code module} in training mode, Adam on all
 * its parameters, {@code epochs} passes over the data's seeded per-epoch order, one scope per step;
 * the module is back in evaluation mode afterwards. A non-finite epoch loss stops the run, naming
 * {@code what}.
 */
public final class AdamEpochs {
  private AdamEpochs() {}

  /** Runs the loop with {@code loss} per batch; returns each epoch's mean loss (weighted by batch size). */
  public static List<Double> run(Module module, Dataset data, int epochs, int batchSize, double learningRate,
      Function<LabeledBatch, Tensor> loss, String what, IntConsumer epochDone) {
    Adam adam = new Adam(module.parameters(), new AdamOptions(learningRate));
    List<Double> losses = new ArrayList<>();
    module.train(true);
    try {
      for (int epoch = 0; epoch < epochs; epoch++) {
        double sum = 0;
        long seen = 0;
        for (LabeledBatch b : data.epochBatches(epoch, batchSize)) {
          try (PointerScope scope = new PointerScope()) {
            adam.zero_grad();
            Tensor l = loss.apply(b);
            l.backward();
            adam.step();
            long n = b.inputs().size(0);
            sum += l.item_double() * n;
            seen += n;
          }
        }
        double mean = sum / seen;
        if (!Double.isFinite(mean)) throw new IllegalStateException(what + " diverged in epoch " + (epoch + 1) + ": loss " + mean);
        losses.add(mean);
        epochDone.accept(epoch);
      }
    } finally {
      module.eval();
    }
    return losses;
  }
}
