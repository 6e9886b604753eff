package dev.cura.trainer.job;

/** How one delivery of a job ended. Every outcome but {@link #STOPPED} is final for the job. */
public enum JobOutcome {
  /** Trained; the adapter is stored and {@code AdapterTrained} published. */
  TRAINED,
  /** Failed; {@code JobFailed} published. */
  FAILED,
  /** Cancelled by its owner; {@code JobFailed} ({@code user_error}, "cancelled") published. */
  CANCELLED,
  /** The job had ended before; its recorded terminal event was published again. */
  REPUBLISHED,
  /**
   * The worker stopped mid-run (shutdown, partition lost): nothing is final, the last checkpoint
   * stays for whoever resumes the job; the triggering record must not be acknowledged.
   */
  STOPPED;

  /** True when the triggering record may be acknowledged. */
  public boolean isFinal() {
    return this != STOPPED;
  }
}
