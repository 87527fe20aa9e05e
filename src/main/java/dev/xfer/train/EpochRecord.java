package dev.xfer.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** What one epoch measured (a row of history.json). */
public record EpochRecord(String phase, int epoch, double loss, double accuracy, double valLoss,
    double valAccuracy, double learningRate, double seconds, double imagesPerSecond) {

  /** JSON-friendly view with Keras' metric names. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("phase", phase);
    m.put("epoch", epoch);
    m.put("loss", loss);
    m.put("accuracy", accuracy);
    m.put("val_loss", valLoss);
    m.put("val_accuracy", valAccuracy);
    m.put("lr", learningRate);
    m.put("seconds", seconds);
    m.put("images_per_second", imagesPerSecond);
    return m;
  }

  static EpochRecord fromMap(Map<?, ?> m) {
    return new EpochRecord((String) m.get("phase"), ((Number) m.get("epoch")).intValue(), num(m.get("loss")),
        num(m.get("accuracy")), num(m.get("val_loss")), num(m.get("val_accuracy")), num(m.get("lr")),
        num(m.get("seconds")), num(m.get("images_per_second")));
  }

  private static double num(Object o) {
    return o == null ? Double.NaN : ((Number) o).doubleValue();
  }
}
