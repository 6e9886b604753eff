package dev.cura.quantizer;

import dev.cura.events.CheckpointQuantized;
import dev.cura.events.EventDecodingException;
import dev.cura.events.JobFailed;

/** What became of one job request: an event to publish, or nothing (cancelled). */
public sealed interface QuantizeOutcome {
  /** The artifact is ready (freshly quantized or from the store). */
  record Quantized(CheckpointQuantized event) implements QuantizeOutcome {}

  /** The job failed; {@code event.code()} says whether the user can fix it. */
  record Failed(JobFailed event) implements QuantizeOutcome {}

  /** The job was cancelled before its artifact was announced; nothing is published. */
  record Cancelled(String jobId) implements QuantizeOutcome {}

  /**
   * The request may not be handled at all: it goes to the dead-letter topic with {@code reason}.
   * {@code failed} is the job's failure to publish first ({@code user_error}, e.g. a reference that
   * is a path), or null when the job is not the sender's to fail (a job id of another tenant).
   */
  record Refused(EventDecodingException reason, JobFailed failed) implements QuantizeOutcome {}
}
