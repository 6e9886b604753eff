package dev.cura.trainer.job;

import dev.cura.events.JobFailed;

/**
 * A job cannot be trained. {@link #code()} tells whether its owner can fix it ({@code user_error}:
 * bad data, a digest that does not match, an unusable checkpoint or setting) or not ({@code
 * internal}); the message is written for the owner and becomes the {@code JobFailed} message.
 */
public final class JobException extends RuntimeException {
  private final JobFailed.Code code;

  private JobException(JobFailed.Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** A failure the job's owner can fix. */
  public static JobException user(String message) {
    return new JobException(JobFailed.Code.USER_ERROR, message, null);
  }

  /** A failure the job's owner can fix, with its cause (for logs). */
  public static JobException user(String message, Throwable cause) {
    return new JobException(JobFailed.Code.USER_ERROR, message, cause);
  }

  /** A failure of the trainer itself. */
  public static JobException internal(String message, Throwable cause) {
    return new JobException(JobFailed.Code.INTERNAL, message, cause);
  }

  public JobFailed.Code code() {
    return code;
  }
}
