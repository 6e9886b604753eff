package dev.cura.quantizer.messaging;

/**
 * Channel names of the quantizer. Code names channels; {@code application.properties} binds each to
 * its topic ({@code mp.messaging.*.<channel>.topic}).
 */
public final class Channels {
  /** In: {@code cura.job.requested} ({@code FineTuneRequested}). */
  public static final String JOB_REQUESTED = "job-requested";

  /** In: {@code cura.job.cancel} ({@code CancelRequested}), read by every instance. */
  public static final String JOB_CANCEL = "job-cancel";

  /** Out: {@code cura.checkpoint.quantized} ({@code CheckpointQuantized}). */
  public static final String CHECKPOINT_QUANTIZED_OUT = "checkpoint-quantized-out";

  /** Out: {@code cura.job.failed} ({@code JobFailed}). */
  public static final String JOB_FAILED_OUT = "job-failed-out";

  private Channels() {}
}
