package dev.cura.events;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A stage gave up on the job (topic {@link Topics#JOB_FAILED}). Any service produces it; the
 * gateway marks the job failed and shows the message to the job's owner.
 *
 * @param jobId job id, the record key
 * @param stage where it failed
 * @param code whether the user can fix it ({@code user_error}) or not ({@code internal})
 * @param message what went wrong, written for the job's owner: what was expected and what came,
 *     never a stack trace
 */
public record JobFailed(String jobId, Stage stage, Code code, String message) implements CuraEvent {

  /** The pipeline stage that failed; JSON values are the lowercase names. */
  public enum Stage {
    VALIDATING,
    QUANTIZING,
    TRAINING,
    REGISTERING;

    @JsonValue
    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Failure class; JSON values {@code user_error} and {@code internal}. */
  public enum Code {
    USER_ERROR,
    INTERNAL;

    @JsonValue
    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
