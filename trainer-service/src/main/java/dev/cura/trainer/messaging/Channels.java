package dev.cura.trainer.messaging;

/**
 * Channel names of the trainer. Code names channels; {@code application.properties} binds each to
 * its topic ({@code mp.messaging.*.<channel>.topic}).
 */
public final class Channels {
  /** In: {@code cura.checkpoint.quantized} ({@code CheckpointQuantized}): a job to train. */
  public static final String CHECKPOINT_QUANTIZED = "checkpoint-quantized";

  /** In: {@code cura.job.cancel} ({@code CancelRequested}), read by every instance. */
  public static final String JOB_CANCEL = "job-cancel";

  /** Out: {@code cura.job.progress} ({@code TrainingProgress}, {@code CheckpointSaved}). */
  public static final String JOB_PROGRESS_OUT = "job-progress-out";

  /** Out: {@code cura.adapter.trained} ({@code AdapterTrained}). */
  public static final String ADAPTER_TRAINED_OUT = "adapter-trained-out";

  /** Out: {@code cura.job.failed} ({@code JobFailed}). */
  public static final String JOB_FAILED_OUT = "job-failed-out";

  private Channels() {}
}
