package dev.cura.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * The closed set of event types with their CloudEvents {@code type} ({@code
 * dev.cura.<Event>.v<N>}), {@code dataschema} and topic. Additive payload changes keep the version;
 * a breaking change adds a new constant with the next version, and consumers that do not know it
 * send it to their dead-letter topic.
 */
public enum EventType {
  FINE_TUNE_REQUESTED(FineTuneRequested.class, 1, Topics.JOB_REQUESTED),
  CHECKPOINT_QUANTIZED(CheckpointQuantized.class, 1, Topics.CHECKPOINT_QUANTIZED),
  TRAINING_PROGRESS(TrainingProgress.class, 1, Topics.JOB_PROGRESS),
  CHECKPOINT_SAVED(CheckpointSaved.class, 1, Topics.JOB_PROGRESS),
  ADAPTER_TRAINED(AdapterTrained.class, 1, Topics.ADAPTER_TRAINED),
  ADAPTER_REGISTERED(AdapterRegistered.class, 1, Topics.ADAPTER_REGISTERED),
  CANCEL_REQUESTED(CancelRequested.class, 1, Topics.JOB_CANCEL),
  JOB_FAILED(JobFailed.class, 1, Topics.JOB_FAILED),
  JOB_CANCELLED(JobCancelled.class, 1, Topics.JOB_FAILED);

  /** Prefix of every CURA CloudEvents type. */
  public static final String TYPE_PREFIX = "dev.cura.";

  private final Class<? extends CuraEvent> recordClass;
  private final int version;
  private final String topic;

  EventType(Class<? extends CuraEvent> recordClass, int version, String topic) {
    this.recordClass = recordClass;
    this.version = version;
    this.topic = topic;
  }

  /** The Java record of this event. */
  public Class<? extends CuraEvent> recordClass() {
    return recordClass;
  }

  /** The event's name, the record's simple name, e.g. {@code FineTuneRequested}. */
  public String eventName() {
    return recordClass.getSimpleName();
  }

  /** Payload schema version, the {@code N} of {@code .vN}. */
  public int version() {
    return version;
  }

  /** Topic the event is published to. */
  public String topic() {
    return topic;
  }

  /** CloudEvents {@code type}, e.g. {@code dev.cura.FineTuneRequested.v1}. */
  public String ceType() {
    return TYPE_PREFIX + eventName() + ".v" + version;
  }

  /** CloudEvents {@code dataschema}, e.g. {@code urn:cura:event:FineTuneRequested:v1}. */
  public String dataSchema() {
    return "urn:cura:event:" + eventName() + ":v" + version;
  }

  /** The type of an event instance. */
  public static EventType of(CuraEvent event) {
    for (EventType t : values()) {
      if (t.recordClass == event.getClass()) {
        return t;
      }
    }
    throw new IllegalStateException("no EventType for " + event.getClass().getName());
  }

  /** The type with this CloudEvents {@code type} string, if CURA knows it. */
  public static Optional<EventType> fromCeType(String ceType) {
    return Arrays.stream(values()).filter(t -> t.ceType().equals(ceType)).findFirst();
  }

  /** True when some version of an event with this name is known (to tell "unknown version"). */
  static boolean knowsEventName(String eventName) {
    return Arrays.stream(values()).anyMatch(t -> t.eventName().equals(eventName));
  }
}
