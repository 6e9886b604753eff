package dev.cura.events;

/**
 * Training-loop settings of a job.
 *
 * @param epochs passes over the training file
 * @param batchSize sequences per step
 * @param seqLen maximum tokens per sequence
 * @param seed seed of every RNG of the run (data order, LoRA init, dropout)
 * @param maxSteps stop after this many optimizer steps; absent means run all epochs
 * @param checkpointEvery steps between checkpoints; absent means the trainer's default
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    int seqLen,
    long seed,
    @OptionalField Integer maxSteps,
    @OptionalField Integer checkpointEvery) {}
