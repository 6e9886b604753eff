package dev.cura.quantizer;

import dev.cura.events.CheckpointQuantized;
import dev.cura.events.JobFailed;

/** What became of one job request: an event to publish, or nothing (cancelled). */
public sealed interface QuantizeOutcome {
  /** The artifact is ready (freshly quantized or from the store). */
  record Quantized(CheckpointQuantized event) implements QuantizeOutcome {}

  /** The job failed; {@code event.code()} says whether the user can fix it. */
  record Failed(JobFailed event) implements QuantizeOutcome {}

  /** The job was cancelled before its artifact was announced; nothing is published. */
  record Cancelled(String jobId) implements QuantizeOutcome {}
}
