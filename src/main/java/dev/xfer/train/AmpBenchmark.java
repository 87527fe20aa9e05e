package dev.xfer.train;

import dev.xfer.model.Numerics;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

/**
 * Training throughput with bf16 autocast ({@code --amp}) against float32, through FineTuner's own
 * full fine-tuning step (every stage trainable, Keras SGD): for each network, the two precisions
 * alternate (ABBA), each run trains {@code epochs} short epochs and the last epoch's images/s counts
 * (the first one pays for oneDNN's kernel setup).
 *
 * <pre>java -cp target/xfer.jar dev.xfer.train.AmpBenchmark [nets=compact,full batch=8 steps=3 epochs=2
 *     rounds=1 threads=N]</pre>
 * compact: width 0.5, 4 middle blocks, 128 px; full: Keras' Xception, 224 px.
 */
public final class AmpBenchmark {
  private AmpBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) a.put(arg.substring(0, Math.max(0, arg.indexOf('='))), arg.substring(arg.indexOf('=') + 1));
    int batch = Integer.parseInt(a.getOrDefault("batch", "8"));
    int steps = Integer.parseInt(a.getOrDefault("steps", "3"));
    int epochs = Integer.parseInt(a.getOrDefault("epochs", "2"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "1"));
    if (a.containsKey("threads")) torch.set_num_threads(Integer.parseInt(a.get("threads")));
    System.out.printf(Locale.ROOT, "bf16 on this CPU: %s; %d LibTorch threads, %d cores; batch %d, %d steps per epoch,"
        + " last of %d epochs timed%n", MixedPrecision.cpuSupportsBf16() ? "supported" : "NOT supported",
        torch.get_num_threads(), Runtime.getRuntime().availableProcessors(), batch, steps, epochs);
    for (String net : a.getOrDefault("nets", "compact,full").split(",")) {
      XceptionConfig config = net.equals("full") ? XceptionConfig.full(4, Numerics.KERAS)
          : new XceptionConfig(0.5, 4, 4, Numerics.KERAS);
      int size = net.equals("full") ? 224 : 128;
      TrainingData train = new GeneratedImages(batch * steps, size, 4, 1);
      TrainingData valid = new GeneratedImages(4, size, 4, 2);
      PhaseConfig phase = new PhaseConfig("finetune", epochs, 0.01, 0.001, 0.9, false, "stem");
      double[] sum = new double[2];
      List<String> lines = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        for (int k = 0; k < 2; k++) {
          boolean amp = (round % 2 == 0) == (k == 1);
          try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(3);
            Xception model = new Xception(config);
            FineTuner.Options options = new FineTuner.Options(batch, 1, false, null, ProgressPrinter.silent()).withAmp(amp);
            List<EpochRecord> h = new FineTuner(model, List.of(phase), options).run(train, valid);
            EpochRecord last = h.get(h.size() - 1);
            sum[amp ? 1 : 0] += last.imagesPerSecond();
            lines.add(String.format(Locale.ROOT, "  %s %-8s %7.2f images/s (loss %.4f)", net, amp ? "bf16" : "float32",
                last.imagesPerSecond(), last.loss()));
          }
        }
      }
      lines.forEach(System.out::println);
      System.out.printf(Locale.ROOT, "%s (%d px): bf16 autocast %.2f images/s, float32 %.2f images/s: %.2fx%n", net, size,
          sum[1] / rounds, sum[0] / rounds, sum[1] / sum[0]);
    }
  }
}
