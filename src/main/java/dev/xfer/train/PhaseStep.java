package dev.xfer.train;

import dev.xfer.data.LabeledBatch;

/**
 * How a phase goes through an epoch: which batches it trains on, one step per batch, and how it
 * validates. {@link FullNetworkStep} runs the network on images; {@link CachedHeadStep}, for a frozen
 * backbone whose pooled features were computed once, trains and validates the head alone.
 */
interface PhaseStep {
  /** The training batches of run-wide epoch {@code epoch}, whose example order (this rank's share) is {@code order}. */
  Iterable<LabeledBatch> epochBatches(int epoch, int[] order);

  /** One optimizer step on {@code batch}. */
  StepResult step(LabeledBatch batch);

  /** Loss and accuracy on the validation data. */
  Evaluator.Result validate();
}
