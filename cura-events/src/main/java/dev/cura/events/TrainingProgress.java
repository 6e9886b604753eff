package dev.cura.events;

/**
 * One training step finished (topic {@link Topics#JOB_PROGRESS}). Produced by the trainer, shown by
 * the gateway's job events.
 *
 * @param jobId job id, the record key
 * @param step optimizer steps done (1-based)
 * @param epoch fractional epoch (1.5 = half-way through the second pass)
 * @param loss training loss of this step (mean token cross-entropy over the loss mask)
 * @param learningRate learning rate used for this step
 * @param tokensPerSecond training throughput over the last step
 * @param peakMemoryBytes peak memory so far (device memory on GPU, resident set on CPU)
 * @param totalSteps planned number of steps; absent when unknown
 * @param etaSeconds estimated seconds to finish; absent when unknown
 */
public record TrainingProgress(
    String jobId,
    long step,
    double epoch,
    double loss,
    double learningRate,
    double tokensPerSecond,
    long peakMemoryBytes,
    @OptionalField Long totalSteps,
    @OptionalField Long etaSeconds)
    implements CuraEvent {}
