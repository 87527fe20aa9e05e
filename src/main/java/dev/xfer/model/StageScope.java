package dev.xfer.model;

import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Runs one stage of a network in its own {@link PointerScope}: the intermediate tensors the stage
 * creates lose their Java handles when it returns, so without autograd their memory is freed stage by
 * stage instead of when the caller's scope closes (with autograd the graph keeps what backward needs,
 * as before). The stage's output moves to the caller's scope. Without this, an inference forward kept
 * every activation of the batch: Keras' Xception at 299, batch 8, 3.2 GB resident.
 */
final class StageScope {
  private StageScope() {}

  static Tensor run(Supplier<Tensor> stage) {
    Tensor out;
    try (PointerScope scope = new PointerScope()) {
      out = stage.get();
      out.retainReference(); // survives this scope
    }
    PointerScope caller = PointerScope.getInnerScope();
    if (caller != null) {
      caller.attach(out);
      out.releaseReference(); // now the caller's scope alone owns it
    }
    return out;
  }
}
