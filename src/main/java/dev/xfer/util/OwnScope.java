package dev.xfer.util;

import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Runs a piece of tensor work in its own {@link PointerScope} and hands its result to the caller's scope.
 * The temporaries the work creates lose their Java handles when it returns, so without autograd their
 * memory is freed right away instead of when the caller's scope closes (with autograd the graph keeps
 * what backward needs). Used per network stage and per batch of inference: without it an inference
 * forward kept every activation of its batch (Keras' Xception at 299, batch 8: 3.2 GB resident), and a
 * loop of forwards inside one long-lived scope kept every batch's (the phase-1 feature pass grew by
 * 39 MB per batch of 32 on the compact backbone at 128 px).
 */
public final class OwnScope {
  private OwnScope() {}

  /** The result of {@code work}, attached to the scope open around this call (if any). */
  public static Tensor run(Supplier<Tensor> work) {
    Tensor out;
    try (PointerScope scope = new PointerScope()) {
      out = work.get();
      out.retainReference(); // survives this scope
    }
    handOver(out);
    return out;
  }

  /**
   * Gives tensors that a closed inner scope let survive (each with one {@code retainReference}) to the
   * scope open around this call: freed when it closes, or by the collector where none is open.
   */
  public static void handOver(Tensor... survivors) {
    PointerScope caller = PointerScope.getInnerScope();
    if (caller == null) return;
    for (Tensor t : survivors) {
      caller.attach(t);
      t.releaseReference(); // now the caller's scope alone owns it
    }
  }
}
