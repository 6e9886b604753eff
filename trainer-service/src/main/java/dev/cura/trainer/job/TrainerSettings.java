package dev.cura.trainer.job;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of a trainer instance.
 *
 * @param source CloudEvents source of the events it publishes, e.g. {@code /cura/trainer}
 * @param device {@code cpu} or {@code cuda}
 * @param defaultCheckpointEvery steps between checkpoints when the job does not say
 * @param progressEvery steps between {@code TrainingProgress} events (the first and the last step
 *     are always reported)
 * @param workRoot local scratch space for running jobs (engine output before it is stored)
 * @param codeVersion CURA version (and commit when known) recorded in adapter lineage
 * @param maxAttempts runs of a job that may die in their first training step without the job making
 *     progress (a new checkpoint) before the job is failed
 * @param maxInterruptedRuns runs of a job that may die elsewhere (while loading, or after a step)
 *     without the job making progress before it is failed; generous, as a trainer killed from
 *     outside dies there whatever its job
 * @param leaseStale how long a job's holder may go without a heartbeat before another trainer takes
 *     the job over ({@link JobLease})
 * @param memoryBudgetBytes memory a job may need on this worker (RAM on CPU, device memory on a
 *     GPU); a job whose estimate is larger is refused before it loads anything
 */
public record TrainerSettings(
    String source,
    String device,
    int defaultCheckpointEvery,
    int progressEvery,
    Path workRoot,
    String codeVersion,
    int maxAttempts,
    int maxInterruptedRuns,
    Duration leaseStale,
    long memoryBudgetBytes) {
  public TrainerSettings {
    if (!device.equals("cpu") && !device.equals("cuda")) {
      throw new IllegalArgumentException("device must be cpu or cuda, got '" + device + "'");
    }
    if (defaultCheckpointEvery < 1) {
      throw new IllegalArgumentException(
          "checkpoint interval must be at least 1 step, got " + defaultCheckpointEvery);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be at least 1, got " + maxAttempts);
    }
    if (maxInterruptedRuns < 1) {
      throw new IllegalArgumentException(
          "max interrupted runs must be at least 1, got " + maxInterruptedRuns);
    }
    if (progressEvery < 1) {
      throw new IllegalArgumentException(
          "progress interval must be at least 1 step, got " + progressEvery);
    }
  }
}
