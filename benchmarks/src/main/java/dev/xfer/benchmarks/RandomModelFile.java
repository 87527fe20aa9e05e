package dev.xfer.benchmarks;

import dev.xfer.model.LoadedModel;
import dev.xfer.model.ModelFile;
import dev.xfer.model.ModelLoader;
import dev.xfer.model.Numerics;
import dev.xfer.model.Preprocessing;
import dev.xfer.model.Xception;
import dev.xfer.model.XceptionConfig;
import dev.xfer.util.NativeRuntime;
import dev.xfer.util.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

/**
 * Writes an xfer model file of the full-size Xception with random weights, for measuring {@code xfer
 * embed --weights FILE} and {@code xfer predict --model FILE} at full size without a trained model.
 * The file is what {@code xfer train} writes ({@link ModelFile#save}: safetensors with timm names and
 * the {@code xfer.*} metadata), with LibTorch's default initialisation after {@code torch.manual_seed(seed)}
 * (BatchNorm at scale 1, shift 0, running mean 0 and variance 1), so the same arguments write the same
 * bytes. Class names are {@code class0}..{@code classK-1}. The file is read back through {@link
 * ModelLoader} before the summary line is printed.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.xfer.benchmarks.RandomModelFile out=PATH [classes=1000 size=299
 *     numerics=keras|timm seed=1]</pre>
 * {@code size} is the input size the file records (the preprocessing {@code xfer embed} and {@code xfer
 * predict} resize to); {@code numerics} picks Keras' (BN eps 1e-3, 'same' pools, x / 127.5 - 1) or timm's
 * conventions. About 92 MB at 1000 classes.
 */
public final class RandomModelFile {
  private RandomModelFile() {}

  public static void main(String[] args) throws Exception {
    NativeRuntime.start();
    BenchArgs a = BenchArgs.parse(args, "out", "classes", "size", "numerics", "seed");
    if (!a.has("out")) throw new IllegalArgumentException("out: expected out=PATH (the model file to write)");
    Path out = Path.of(a.text("out", ""));
    int classes = a.integer("classes", 1000);
    int size = a.integer("size", 299);
    int seed = a.integer("seed", 1);
    Numerics numerics = Numerics.byName(a.text("numerics", "keras"));
    if (classes < 1) throw new IllegalArgumentException("classes: expected at least 1, found " + classes);
    Preprocessing pre = numerics == Numerics.TIMM ? Preprocessing.timm(size) : Preprocessing.keras(size);
    XceptionConfig config = XceptionConfig.full(classes, numerics);
    try (PointerScope scope = new PointerScope()) {
      torch.manual_seed(seed);
      Xception model = new Xception(config);
      if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
      ModelFile.save(out, model, pre, classNames(classes));
      LoadedModel back = ModelLoader.load(out, ModelLoader.Format.AUTO, null, null);
      if (!back.format().equals("xfer") || !back.config().equals(config) || back.preprocessing().imageSize() != size) {
        throw new IllegalStateException(out + ": read back as " + back.format() + " " + back.config() + " at "
            + back.preprocessing().imageSize() + " px, expected xfer " + config + " at " + size + " px");
      }
    }
    System.out.printf(Locale.ROOT, "wrote %s: Xception (width 1, 8 middle blocks), %d classes, %s numerics, %d px,"
        + " random weights (seed %d); %.1f MB, sha256 %s%n", out, classes, numerics.name(), size, seed,
        Files.size(out) / 1e6, Sha256.hex(out));
  }

  private static List<String> classNames(int classes) {
    List<String> names = new ArrayList<>(classes);
    for (int i = 0; i < classes; i++) names.add("class" + i);
    return names;
  }
}
