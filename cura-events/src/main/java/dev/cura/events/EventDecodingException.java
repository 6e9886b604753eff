package dev.cura.events;

import java.util.Locale;

/**
 * A record that is not a valid CURA event. Consumers do not retry it: they hand it to their
 * dead-letter topic ({@code cura.dlq.<service>}) with {@link #code()} and the message in headers,
 * and go on with the next record.
 */
public final class EventDecodingException extends RuntimeException {

  /** What is wrong with the record. */
  public enum Reason {
    /** A required CloudEvents header is absent or empty. */
    MISSING_HEADER,
    /** A header has a value CURA cannot accept (content type, time, subject ≠ job id, schema). */
    INVALID_HEADER,
    /** {@code ce_specversion} is not 1.0. */
    UNSUPPORTED_SPEC_VERSION,
    /** {@code ce_type} names no CURA event. */
    UNKNOWN_TYPE,
    /** {@code ce_type} names a CURA event in a version this build does not know. */
    UNSUPPORTED_VERSION,
    /** A valid event of another type than this consumer handles. */
    UNEXPECTED_TYPE,
    /** The value is not a JSON object. */
    MALFORMED_JSON,
    /** A required field is absent, null or blank. */
    MISSING_FIELD,
    /** A field has the wrong JSON type or a value outside its set. */
    INVALID_FIELD,
    /**
     * A reference that is neither {@code cas:sha256/<digest>} in the artifact store nor a
     * registered model name ({@link References}): a path, a {@code file:} URI, {@code ..}, a digest
     * that does not match its field.
     */
    INVALID_REFERENCE,
    /** The job id belongs to another tenant: a job id is never reused across tenants. */
    FOREIGN_JOB;

    /** Stable lowercase code for headers and metrics tags, e.g. {@code missing_field}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;
  private final String field;

  /**
   * @param reason what is wrong
   * @param field the header name or JSON path (e.g. {@code training.batch_size}) concerned, or null
   * @param message what was expected and what came
   */
  public EventDecodingException(Reason reason, String field, String message) {
    super(message);
    this.reason = reason;
    this.field = field;
  }

  /** The record names a job id that belongs to another tenant than the one it claims. */
  public static EventDecodingException foreignJob(String jobId) {
    return new EventDecodingException(
        Reason.FOREIGN_JOB,
        "job_id",
        "job id '"
            + jobId
            + "' belongs to another tenant; a job id is never reused across tenants");
  }

  /** What is wrong. */
  public Reason reason() {
    return reason;
  }

  /** Stable lowercase reason code, e.g. {@code unknown_type}. */
  public String code() {
    return reason.code();
  }

  /** Header name or JSON path concerned, or null. */
  public String field() {
    return field;
  }
}
