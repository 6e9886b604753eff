package dev.cura.registry.messaging;

/**
 * Channel names of the registry. Code names channels; {@code application.properties} binds each to
 * its topic ({@code mp.messaging.*.<channel>.topic}).
 */
public final class Channels {
  /** In: {@code cura.adapter.trained} ({@code AdapterTrained}): an adapter to version. */
  public static final String ADAPTER_TRAINED = "adapter-trained";

  /**
   * In: {@code cura.job.cancel} ({@code CancelRequested}): jobs whose adapter is not registered.
   */
  public static final String JOB_CANCEL = "job-cancel";

  /** Out: {@code cura.adapter.registered} ({@code AdapterRegistered}). */
  public static final String ADAPTER_REGISTERED_OUT = "adapter-registered-out";

  /** Out: {@code cura.job.failed} ({@code JobFailed}). */
  public static final String JOB_FAILED_OUT = "job-failed-out";

  private Channels() {}
}
