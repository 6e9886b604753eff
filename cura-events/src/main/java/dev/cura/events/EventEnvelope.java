package dev.cura.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * A CURA event with its CloudEvents 1.0 context attributes. {@code type}, {@code subject} and
 * {@code dataschema} follow from the event itself: type and schema from {@link EventType}, subject
 * = job id = Kafka record key.
 *
 * @param id unique event id (consumers dedupe on it)
 * @param source URI-reference of the producer, e.g. {@code /cura/gateway}
 * @param time when the event happened; may be null for events from upstream systems that omit it
 * @param data the event
 * @param <E> event record type
 */
public record EventEnvelope<E extends CuraEvent>(String id, String source, Instant time, E data) {

  public EventEnvelope {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("event id must be non-blank, got '" + id + "'");
    }
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("event source must be non-blank, got '" + source + "'");
    }
    if (data == null) {
      throw new IllegalArgumentException("event data must not be null");
    }
  }

  /**
   * A new envelope with a random UUID id and the current time (millisecond precision).
   *
   * @param source producer, e.g. {@code /cura/quantizer}
   * @param data the event
   */
  public static <E extends CuraEvent> EventEnvelope<E> create(String source, E data) {
    return new EventEnvelope<>(
        UUID.randomUUID().toString(), source, Instant.now().truncatedTo(ChronoUnit.MILLIS), data);
  }

  /** The event's type. */
  public EventType type() {
    return EventType.of(data);
  }

  /** CloudEvents {@code subject}: the job id. */
  public String subject() {
    return data.jobId();
  }

  /** Kafka record key: the job id. */
  public String key() {
    return data.jobId();
  }
}
