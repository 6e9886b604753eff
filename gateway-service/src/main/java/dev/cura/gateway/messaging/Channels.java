package dev.cura.gateway.messaging;

/**
 * Channel names of the gateway. Code names channels; {@code application.properties} binds each to
 * its topic(s) ({@code mp.messaging.*.<channel>.topic[s]}).
 */
public final class Channels {
  /**
   * In: every job event the projection needs, from {@code cura.job.requested}, {@code
   * cura.checkpoint.quantized}, {@code cura.job.progress}, {@code cura.adapter.trained}, {@code
   * cura.adapter.registered} and {@code cura.job.failed} (one consumer, any {@code CuraEvent}).
   */
  public static final String JOB_EVENTS = "job-events";

  /** Out: {@code cura.job.requested} ({@code FineTuneRequested}). */
  public static final String JOB_REQUESTED_OUT = "job-requested-out";

  /** Out: {@code cura.job.cancel} ({@code CancelRequested}). */
  public static final String JOB_CANCEL_OUT = "job-cancel-out";

  /** Out: {@code cura.job.failed} ({@code JobFailed}), e.g. a job whose files fail validation. */
  public static final String JOB_FAILED_OUT = "job-failed-out";

  private Channels() {}
}
