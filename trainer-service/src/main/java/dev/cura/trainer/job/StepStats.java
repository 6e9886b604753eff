package dev.cura.trainer.job;

/**
 * Numbers of one optimizer step.
 *
 * @param step optimizer steps done (1-based)
 * @param totalSteps planned steps of the run
 * @param epoch fractional epoch (1.5 = half-way through the second pass)
 * @param loss mean token cross-entropy of the step over the loss mask
 * @param learningRate learning rate used for the step
 * @param tokensPerSecond training throughput (all token positions per second)
 * @param seconds wall time of the step; NaN when unknown (the first step of a run, which also loads
 *     the model)
 * @param peakMemoryBytes peak memory so far (device memory on GPU, resident set on CPU)
 * @param pagedBytes optimizer-state bytes moved between pages and compute memory in this step (0
 *     for an unpaged optimizer)
 */
public record StepStats(
    long step,
    long totalSteps,
    double epoch,
    double loss,
    double learningRate,
    double tokensPerSecond,
    double seconds,
    long peakMemoryBytes,
    long pagedBytes) {}
