package dev.cura.events;

/**
 * The job's owner asked to cancel it (topic {@link Topics#JOB_CANCEL}). The quantizer, the trainer
 * and the registry stop work on the job; cancelling a finished job changes nothing.
 *
 * @param jobId job id, the record key
 * @param reason free text for the job's events; absent when none was given
 * @param tenant the tenant that owns the job; when given, a service ignores the cancel for a job of
 *     another tenant (absent from producers older than this field)
 */
public record CancelRequested(
    String jobId, @OptionalField String reason, @OptionalField String tenant) implements CuraEvent {

  /** A cancel without the owning tenant (older producers). */
  public CancelRequested(String jobId, String reason) {
    this(jobId, reason, null);
  }
}
