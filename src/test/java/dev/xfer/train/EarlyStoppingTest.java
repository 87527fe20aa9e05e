package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Keras' EarlyStopping rule on constructed validation-loss sequences. */
class EarlyStoppingTest {
  /** The epoch the rule stopped after (0: it never stopped) and its final state. */
  private record Outcome(int stopEpoch, EarlyStopping.State state) {}

  /** Runs the rule over {@code losses}, one epoch each, as FineTuner does. */
  private static Outcome run(EarlyStopping rule, double... losses) {
    EarlyStopping.State s = EarlyStopping.State.START;
    for (int e = 1; e <= losses.length; e++) {
      s = rule.observe(s, e, losses[e - 1]);
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
}
