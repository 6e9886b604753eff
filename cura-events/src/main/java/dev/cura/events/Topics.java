package dev.cura.events;

import java.util.List;

/**
 * Kafka topic names of DESIGN.md §2. Services bind channels to these names in {@code
 * application.properties}; code refers to the constants (tests, the local stack's topic creation).
 */
public final class Topics {
  /** {@link FineTuneRequested}: gateway or any upstream system → quantizer, gateway. */
  public static final String JOB_REQUESTED = "cura.job.requested";

  /** {@link CheckpointQuantized}: quantizer → trainer, gateway. */
  public static final String CHECKPOINT_QUANTIZED = "cura.checkpoint.quantized";

  /** {@link TrainingProgress} and {@link CheckpointSaved}: trainer → gateway. */
  public static final String JOB_PROGRESS = "cura.job.progress";

  /** {@link AdapterTrained}: trainer → registry, gateway. */
  public static final String ADAPTER_TRAINED = "cura.adapter.trained";

  /** {@link AdapterRegistered}: registry → gateway. */
  public static final String ADAPTER_REGISTERED = "cura.adapter.registered";

  /** {@link CancelRequested}: gateway → quantizer, trainer. */
  public static final String JOB_CANCEL = "cura.job.cancel";

  /**
   * A job ended without an adapter: {@link JobFailed} (any stage) or {@link JobCancelled} (the
   * stage that stopped a cancelled job) → gateway.
   */
  public static final String JOB_FAILED = "cura.job.failed";

  /** Prefix of the per-service dead-letter topics ({@code cura.dlq.<service>}). */
  public static final String DLQ_PREFIX = "cura.dlq.";

  /** The four services, by the name used in their dead-letter topic. */
  public static final List<String> SERVICES =
      List.of("gateway", "quantizer", "trainer", "registry");

  /** The event topics, in pipeline order. */
  public static final List<String> EVENT_TOPICS =
      List.of(
          JOB_REQUESTED,
          CHECKPOINT_QUANTIZED,
          JOB_PROGRESS,
          ADAPTER_TRAINED,
          ADAPTER_REGISTERED,
          JOB_CANCEL,
          JOB_FAILED);

  private Topics() {}

  /**
   * The dead-letter topic of one service.
   *
   * @param service one of {@link #SERVICES}, e.g. {@code "quantizer"}
   * @return {@code cura.dlq.<service>}
   */
  public static String dlq(String service) {
    if (!SERVICES.contains(service)) {
      throw new IllegalArgumentException(
          "service must be one of " + SERVICES + ", got '" + service + "'");
    }
    return DLQ_PREFIX + service;
  }

  /** Every topic the system uses: the event topics followed by the four dead-letter topics. */
  public static List<String> all() {
    var all = new java.util.ArrayList<>(EVENT_TOPICS);
    SERVICES.forEach(s -> all.add(dlq(s)));
    return List.copyOf(all);
  }
}
