package dev.cura.events;

/**
 * Training-loop settings of a job. Rules and defaults: {@link JobSpec}.
 *
 * @param epochs passes over the training file
 * @param batchSize sequences per micro-batch
 * @param seqLen maximum tokens per sequence
 * @param seed seed of every RNG of the run (data order, LoRA init, dropout)
 * @param maxSteps stop after this many optimizer steps; absent means run all epochs
 * @param checkpointEvery steps between checkpoints; absent means the trainer's default
 * @param gradientAccumulationSteps micro-batches per optimizer step; absent means 1
 * @param warmupRatio fraction of the steps with a linear learning-rate warmup; absent means the
 *     default
 * @param maxGradNorm global gradient-norm clip (0 turns clipping off); absent means the default
 * @param packing concatenate examples into full rows; absent means false
 * @param computeDtype activations and matmuls: {@code bf16} or {@code fp32} (LoRA weights,
 *     optimizer states, norms, softmax and the loss stay float32); absent means the trainer's
 *     device default (bf16 on a GPU, fp32 on the CPU)
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    int seqLen,
    long seed,
    @OptionalField Integer maxSteps,
    @OptionalField Integer checkpointEvery,
    @OptionalField Integer gradientAccumulationSteps,
    @OptionalField Double warmupRatio,
    @OptionalField Double maxGradNorm,
    @OptionalField Boolean packing,
    @OptionalField String computeDtype) {

  /** The loop settings most jobs give; the rest take their defaults. */
  public TrainingConfig(
      int epochs, int batchSize, int seqLen, long seed, Integer maxSteps, Integer checkpointEvery) {
    this(epochs, batchSize, seqLen, seed, maxSteps, checkpointEvery, null, null, null, null, null);
  }
}
