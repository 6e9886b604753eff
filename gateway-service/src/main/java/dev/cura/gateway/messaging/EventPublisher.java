package dev.cura.gateway.messaging;

import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventType;
import dev.cura.events.Topics;
import dev.cura.messaging.KafkaEvents;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes the gateway's events (emitters buffer up to 4096 records: the outbox relay sends in
 * batches of 500); the Uni completes when the broker acknowledged (acks=all).
 */
@ApplicationScoped
public class EventPublisher {
  private final KafkaEvents events;
  private final MutinyEmitter<byte[]> requested;
  private final MutinyEmitter<byte[]> cancel;
  private final MutinyEmitter<byte[]> failed;

  EventPublisher(
      KafkaEvents events,
      @Channel(Channels.JOB_REQUESTED_OUT)
          @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
          MutinyEmitter<byte[]> requested,
      @Channel(Channels.JOB_CANCEL_OUT)
          @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
          MutinyEmitter<byte[]> cancel,
      @Channel(Channels.JOB_FAILED_OUT)
          @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
          MutinyEmitter<byte[]> failed) {
    this.events = events;
    this.requested = requested;
    this.cancel = cancel;
    this.failed = failed;
  }

  /**
   * Sends an already encoded event (an outbox row) unchanged: same id, headers and payload.
   *
   * @throws IllegalArgumentException for a topic the gateway does not publish to
   */
  public Uni<Void> send(EncodedEvent encoded) {
    MutinyEmitter<byte[]> emitter =
        switch (encoded.topic()) {
          case Topics.JOB_REQUESTED -> requested;
          case Topics.JOB_CANCEL -> cancel;
          case Topics.JOB_FAILED -> failed;
          default ->
              throw new IllegalArgumentException(
                  "the gateway publishes to "
                      + Topics.JOB_REQUESTED
                      + ", "
                      + Topics.JOB_CANCEL
                      + " and "
                      + Topics.JOB_FAILED
                      + ", got "
                      + encoded.topic());
        };
    var headers = new RecordHeaders();
    encoded.headerBytes().forEach(headers::add);
    return emitter.sendMessage(
        Message.of(encoded.value())
            .addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(encoded.key())
                    .withHeaders(headers)
                    .build()));
  }

  /**
   * Sends {@code event} to its topic, keyed by job id.
   *
   * @throws IllegalArgumentException for an event type the gateway does not publish
   */
  public Uni<Void> publish(CuraEvent event) {
    MutinyEmitter<byte[]> emitter =
        switch (EventType.of(event)) {
          case FINE_TUNE_REQUESTED -> requested;
          case CANCEL_REQUESTED -> cancel;
          case JOB_FAILED -> failed;
          default ->
              throw new IllegalArgumentException(
                  "the gateway publishes FineTuneRequested, CancelRequested and JobFailed, got "
                      + event.getClass().getSimpleName());
        };
    return emitter.sendMessage(events.message(event));
  }
}
