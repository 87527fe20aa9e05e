package dev.xfer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The divergence rule against hand-computed bounds: 1000 x the phase's first loss, at least 1000. */
class DivergenceGuardTest {
  @Test
  void aLossAboveAThousandTimesTheStartDiverges() {
    DivergenceGuard g = new DivergenceGuard("head");
    g.check(1, 1, 0.2, 1.6); // the start: bound 1600
    g.check(1, 2, 0.2, 1599.0);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> g.check(2, 7, 0.2, 1601.0));
    assertEquals("loss rose to 1601 (the phase started at 1.600; above 1600 counts as diverged) in phase head, epoch 2,"
        + " step 7, at learning rate 0.200000; the last complete checkpoint is kept (try a lower learning rate)", e.getMessage());
  }

  @Test
  void aSmallStartStillAllowsLossesUpToAThousand() {
    DivergenceGuard g = new DivergenceGuard("finetune");
    g.check(1, 1, 0.01, 0.05);
    g.check(1, 2, 0.01, 999.0); // 0.05 x 1000 = 50, but the floor is 1000
    assertThrows(TrainingDivergedException.class, () -> g.check(1, 3, 0.01, 1000.5));
  }

  @Test
  void nonFiniteLossesDivergeAtOnceEvenFirst() {
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> new DivergenceGuard("head").check(1, 1, 0.2, Double.NaN));
    assertEquals("loss became NaN in phase head, epoch 1, step 1, at learning rate 0.200000; the last complete checkpoint"
        + " is kept (try a lower learning rate)", e.getMessage());
    assertThrows(TrainingDivergedException.class, () -> new DivergenceGuard("head").check(1, 1, 0.2, Double.POSITIVE_INFINITY));
  }
}
