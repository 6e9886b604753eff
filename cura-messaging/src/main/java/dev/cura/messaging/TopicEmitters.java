package dev.cura.messaging;

import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventEnvelope;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * A service's outgoing channels by topic: an event goes to the emitter of its type's topic ({@code
 * EventType.topic()}), keyed by job id; an event the service does not publish is refused, naming
 * what it does publish. Each service's {@code EventPublisher} only wires its {@code @Channel}s
 * here.
 */
public final class TopicEmitters {
  private final String service;
  private final KafkaEvents events;
  private final Map<String, MutinyEmitter<byte[]>> byTopic = new LinkedHashMap<>();

  /**
   * @param service the publishing service, for messages ({@code "the trainer"})
   */
  public TopicEmitters(String service, KafkaEvents events) {
    this.service = service;
    this.events = events;
  }

  /** Routes {@code topic} to {@code emitter}. */
  public TopicEmitters route(String topic, MutinyEmitter<byte[]> emitter) {
    byTopic.put(topic, emitter);
    return this;
  }

  /**
   * Sends {@code event} in a new envelope from this service.
   *
   * @throws IllegalArgumentException for an event this service does not publish
   */
  public Uni<Void> publish(CuraEvent event) {
    return publish(EventEnvelope.create(events.source(), event));
  }

  /**
   * Sends {@code envelope} as it is (same event id: a re-published event is recognised as the same
   * event by consumers that dedupe on ids).
   *
   * @throws IllegalArgumentException for an event this service does not publish
   */
  public Uni<Void> publish(EventEnvelope<? extends CuraEvent> envelope) {
    return emitter(envelope.type().topic(), envelope.type().eventName())
        .sendMessage(events.message(envelope));
  }

  /**
   * Sends an already encoded event (an outbox row) unchanged: same id, headers and payload.
   *
   * @throws IllegalArgumentException for a topic this service does not publish to
   */
  public Uni<Void> send(EncodedEvent encoded) {
    var headers = new RecordHeaders();
    encoded.headerBytes().forEach(headers::add);
    return emitter(encoded.topic(), "a record for " + encoded.topic())
        .sendMessage(
            Message.of(encoded.value())
                .addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(encoded.key())
                        .withHeaders(headers)
                        .build()));
  }

  private MutinyEmitter<byte[]> emitter(String topic, String what) {
    MutinyEmitter<byte[]> e = byTopic.get(topic);
    if (e == null) {
      throw new IllegalArgumentException(
          service + " publishes to " + byTopic.keySet() + ", got " + what);
    }
    return e;
  }
}
