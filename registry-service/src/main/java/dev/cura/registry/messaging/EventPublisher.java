package dev.cura.registry.messaging;

import dev.cura.events.CuraEvent;
import dev.cura.events.Topics;
import dev.cura.messaging.KafkaEvents;
import dev.cura.messaging.ServicePublisher;
import dev.cura.messaging.TopicEmitters;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * The registry's outgoing channels; routing is {@link TopicEmitters}'. The Uni completes when the
 * broker acknowledged (acks=all).
 */
@ApplicationScoped
public class EventPublisher implements ServicePublisher {
  private final TopicEmitters emitters;

  EventPublisher(
      KafkaEvents events,
      @Channel(Channels.ADAPTER_REGISTERED_OUT) MutinyEmitter<byte[]> registered,
      @Channel(Channels.JOB_FAILED_OUT) MutinyEmitter<byte[]> failed) {
    this.emitters =
        new TopicEmitters("the registry", events)
            .route(Topics.ADAPTER_REGISTERED, registered)
            .route(Topics.JOB_FAILED, failed);
  }

  /** Sends {@code event} to its topic, keyed by job id. */
  @Override
  public Uni<Void> publish(CuraEvent event) {
    return emitters.publish(event);
  }
}
