package dev.xfer.model;

/**
 * The numerical conventions that travel with a set of weights: the framework they were trained in
 * decides them, not the architecture.
 *
 * @param name short name used in files and messages ("keras" or "timm")
 * @param bnEps BatchNorm epsilon
 * @param bnMomentum LibTorch-style BatchNorm momentum (weight of the new batch statistic)
 * @param samePooling TF 'same' max-pools (extra -inf row/column after when the input is even) instead
 *     of symmetric padding 1
 */
public record Numerics(String name, double bnEps, double bnMomentum, boolean samePooling) {

  /** Keras / TensorFlow: BN eps 1e-3, Keras momentum 0.99 (LibTorch 0.01), 'same' max-pools. */
  public static final Numerics KERAS = new Numerics("keras", 1e-3, 0.01, true);

  /** timm legacy_xception / PyTorch: BN eps 1e-5, momentum 0.1, symmetric max-pools. */
  public static final Numerics TIMM = new Numerics("timm", 1e-5, 0.1, false);

  public Numerics {
    if (!(bnEps > 0)) throw new IllegalArgumentException("numerics bnEps: expected > 0, found " + bnEps);
    if (!(bnMomentum > 0 && bnMomentum <= 1)) {
      throw new IllegalArgumentException("numerics bnMomentum: expected in (0, 1], found " + bnMomentum);
    }
  }

  /** Looks up "keras" or "timm". */
  public static Numerics byName(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "keras" -> KERAS;
      case "timm" -> TIMM;
      default -> throw new IllegalArgumentException("numerics: expected keras or timm, found " + name);
    };
  }
}
