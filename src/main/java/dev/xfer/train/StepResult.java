package dev.xfer.train;

/** A training step's figures: the batch's mean loss, its correct predictions and its size (all ranks of a job). */
public record StepResult(double loss, long correct, long count) {}
