package dev.xfer.cli;

import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelSummary;
import dev.xfer.model.Xception;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xfer summary}: the network a weight file describes, Keras-style. */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Print a Keras-style summary of the model in a weight file: per stage output shape (channels first) and parameters, totals, trainable and non-trainable counts.")
final class SummaryCommand implements Callable<Integer> {
  @Mixin WeightsOptions weights;

  @Option(names = "--image-size", paramLabel = "N", description = "Input size for the output shapes (default: the weights' own, 299 for Keras and timm).")
  Integer imageSize;

  @Override
  public Integer call() throws Exception {
    try (PointerScope scope = new PointerScope()) {
      LoadedModel loaded = weights.load();
      Xception model = loaded.build(weights.weights.getFileName().toString());
      int size = imageSize != null ? ImageSizes.check(imageSize) : loaded.preprocessing().imageSize();
      var c = loaded.config();
      System.out.printf("Model: Xception (width %s, %d middle blocks, %s numerics: BN eps %s, %s max-pools), from %s weights, input %dx%d%n",
          c.widthMultiplier(), c.middleBlocks(), c.numerics().name(), c.numerics().bnEps(),
          c.numerics().samePooling() ? "TF 'same'" : "symmetric", loaded.format(), size, size);
      System.out.print(ModelSummary.of(model, size).format());
    }
    return 0;
  }
}
