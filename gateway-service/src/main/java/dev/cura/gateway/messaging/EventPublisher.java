package dev.cura.gateway.messaging;

import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.Topics;
import dev.cura.messaging.KafkaEvents;
import dev.cura.messaging.ServicePublisher;
import dev.cura.messaging.TopicEmitters;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * The gateway's outgoing channels (emitters buffer up to 4096 records: the outbox relay sends in
 * batches of 500); routing is {@link TopicEmitters}'. The Uni completes when the broker
 * acknowledged (acks=all).
 */
@ApplicationScoped
public class EventPublisher implements ServicePublisher {
  private final TopicEmitters emitters;

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
    this.emitters =
        new TopicEmitters("the gateway", events)
            .route(Topics.JOB_REQUESTED, requested)
            .route(Topics.JOB_CANCEL, cancel)
            .route(Topics.JOB_FAILED, failed);
  }

  /** Sends an already encoded event (an outbox row) unchanged: same id, headers and payload. */
  public Uni<Void> send(EncodedEvent encoded) {
    return emitters.send(encoded);
  }

  /** Sends {@code event} to its topic, keyed by job id. */
  @Override
  public Uni<Void> publish(CuraEvent event) {
    return emitters.publish(event);
  }
}
