package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Keras' EarlyStopping rule on constructed validation-loss and validation-accuracy sequences. */
class EarlyStoppingTest {
  /** The epoch the rule stopped after (0: it never stopped) and its final state. */
  private record Outcome(int stopEpoch, EarlyStopping.State state) {}

  /** Runs the rule over {@code losses}, one epoch each, as FineTuner does. */
  private static Outcome run(EarlyStopping rule, double... losses) {
    EarlyStopping.State s = EarlyStopping.State.START;
    for (int e = 1; e <= losses.length; e++) {
      s = rule.observe(s, e, losses[e - 1], Double.NaN);
      if (s.stopped()) return new Outcome(e, s);
    }
    return new Outcome(0, s);
  }

  @Test
  void stopsAfterPatienceEpochsWithoutImprovement() {
    // best at epoch 2 (0.8); epochs 3, 4, 5 do not improve: patience 3 stops after epoch 5
    Outcome o = run(new EarlyStopping(3, 0, false), 1.0, 0.8, 0.9, 0.85, 0.95, 0.7);
    assertEquals(5, o.stopEpoch());
    assertEquals(2, o.state().bestEpoch());
    assertEquals(0.8, o.state().best());
    assertEquals(3, o.state().epochsWithoutImprovement());
  }

  @Test
  void anImprovementResetsTheCount() {
    // 0.7 at epoch 4 improves before patience runs out; then 2 more bad epochs are not enough
    Outcome o = run(new EarlyStopping(3, 0, false), 1.0, 0.8, 0.9, 0.7, 0.75, 0.72);
    assertEquals(0, o.stopEpoch());
    assertFalse(o.state().stopped());
    assertEquals(4, o.state().bestEpoch());
    assertEquals(2, o.state().epochsWithoutImprovement());
  }

  @Test
  void minDeltaAndNaNDoNotCountAsImprovement() {
    // with min delta 0.05, 0.97 and 0.96 are not improvements over 1.0; NaN never is: stop after epoch 4
    Outcome o = run(new EarlyStopping(3, 0.05, false), 1.0, 0.97, Double.NaN, 0.96, 0.5);
    assertEquals(4, o.stopEpoch());
    assertEquals(1, o.state().bestEpoch());
  }

  @Test
  void patienceOneStopsAtTheFirstNonImprovingEpoch() {
    Outcome o = run(new EarlyStopping(1, 0, false), 3.0, 2.0, 2.0);
    assertEquals(3, o.stopEpoch(), "an equal loss is no improvement");
    assertTrue(o.state().stopped());
  }

  @Test
  void onValidationAccuracyHigherIsBetter() {
    // accuracy best at epoch 3 (0.74) although the loss is lowest at epoch 1: the monitor decides
    EarlyStopping rule = new EarlyStopping(2, 0.01, true, EarlyStopping.Monitor.VAL_ACCURACY);
    double[] loss = {1.1, 6.2, 1.7, 1.6, 1.9};
    double[] accuracy = {0.48, 0.36, 0.74, 0.745, 0.70};
    EarlyStopping.State s = EarlyStopping.State.START;
    int stop = 0;
    for (int e = 1; e <= loss.length && stop == 0; e++) {
      s = rule.observe(s, e, loss[e - 1], accuracy[e - 1]);
      if (s.stopped()) stop = e;
    }
    assertEquals(3, s.bestEpoch(), "0.745 at epoch 4 is within min delta 0.01 of 0.74");
    assertEquals(0.74, rule.monitor().value(s.best()), 1e-12);
    assertEquals(5, stop, "epochs 4 and 5 do not improve: patience 2 stops after epoch 5");
    assertEquals(3, new EarlyStopping(2, 0, true).observe(
        new EarlyStopping(2, 0, true).observe(EarlyStopping.State.START, 1, 1.1, 0.48), 3, 1.0, 0.1).bestEpoch(),
        "on val_loss (the default) the accuracy is ignored");
  }
}
