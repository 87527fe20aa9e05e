package dev.xfer.cli;

import dev.xfer.data.BadImagePolicy;
import dev.xfer.data.ImageDecoder;
import dev.xfer.kernels.HeadKernel;
import dev.xfer.kernels.PreprocessKernel;
import dev.xfer.kernels.Tensors;
import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelLoader;
import dev.xfer.model.StateDict;
import dev.xfer.model.Xception;
import dev.xfer.report.PredictionPrinter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xfer predict}: class probabilities of images, through the fused pool/dense/softmax kernel. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Classify images with a trained xfer model file: decode, preprocess as the model was trained, run the backbone, then the fused global-average-pool + dense + softmax kernel. Prints the top classes per image, or JSON lines with --json.")
final class PredictCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "FILE", description = "An xfer model file with a classifier (xfer train writes RUN_DIR/model.safetensors).")
  Path model;

  @Parameters(paramLabel = "IMAGES", arity = "1..*", description = "Image files.")
  List<Path> images;

  @Option(names = "--top-k", defaultValue = "3", description = "Classes to show per image (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--json", description = "One JSON object per image: file, top classes with probabilities.")
  boolean json;

  @Option(names = "--batch-size", defaultValue = "16", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--on-bad-image", defaultValue = "fail", paramLabel = "skip|fail",
      description = "An image that cannot be used: fail before any prediction, or skip it (named on stderr) and predict the others (default: ${DEFAULT-VALUE}).")
  String onBadImage;

  @Option(names = "--allow-nonfinite", description = "Load a model holding NaN or infinite values (or a negative BatchNorm variance) with a warning instead of refusing it.")
  boolean allowNonFinite;

  @Mixin MemoryFormatOption memoryFormatOption;

  @Override
  public Integer call() throws Exception {
    if (topK < 1) throw new IllegalArgumentException("--top-k: expected at least 1, found " + topK);
    if (batchSize < 1) throw new IllegalArgumentException("--batch-size: expected at least 1, found " + batchSize);
    BadImagePolicy policy = BadImagePolicy.parse(onBadImage);
    List<Path> usable = policy.structurallySound(images); // a bad file fails now, before any model work
    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
      LoadedModel loaded = ModelLoader.load(model, ModelLoader.Format.AUTO, null, null, allowNonFinite);
      Xception net = loaded.build(model.getFileName().toString());
      if (!net.hasClassifier()) throw new IllegalArgumentException("--model: " + model.getFileName() + " has no classifier");
      int size = loaded.preprocessing().imageSize();
      memoryFormatOption.applyOnCpu(net, size, size);
      List<String> names = loaded.classNames();
      Map<String, Tensor> t = StateDict.tensorsOf(net);
      Tensor weight = t.get("fc.weight").detach().contiguous();
      Tensor bias = t.get("fc.bias").detach().contiguous();
      ImageDecoder decoder = new ImageDecoder(false, loaded.preprocessing().jpegIdct());
      PredictionPrinter printer = new PredictionPrinter(topK, json, System.out);
      for (int start = 0; start < usable.size(); start += batchSize) {
        List<Path> chunk = new ArrayList<>(usable.subList(start, Math.min(usable.size(), start + batchSize)));
        try (PointerScope batchScope = new PointerScope()) {
          List<Tensor> decoded = new ArrayList<>();
          for (java.util.Iterator<Path> it = chunk.iterator(); it.hasNext(); ) {
            Tensor image = policy.decode(decoder, it.next());
            if (image == null) it.remove(); else decoded.add(image);
          }
          if (chunk.isEmpty()) continue;
          Tensor x = PreprocessKernel.run(decoded, size, size, loaded.preprocessing().normalization());
          float[] probs = Tensors.toFloatArray(HeadKernel.forward(net.forwardFeatures(x).contiguous(), weight, bias));
          int k = (int) weight.size(0);
          for (int i = 0; i < chunk.size(); i++) printer.print(chunk.get(i), probs, i * k, k, names);
        }
      }
    }
    return 0;
  }

}
