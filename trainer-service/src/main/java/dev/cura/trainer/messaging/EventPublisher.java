package dev.cura.trainer.messaging;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventEnvelope;
import dev.cura.events.Topics;
import dev.cura.messaging.KafkaEvents;
import dev.cura.messaging.ServicePublisher;
import dev.cura.messaging.TopicEmitters;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * The trainer's outgoing channels; routing is {@link TopicEmitters}'. The Uni completes when the
 * broker acknowledged (acks=all).
 */
@ApplicationScoped
public class EventPublisher implements ServicePublisher {
  private final TopicEmitters emitters;

  EventPublisher(
      KafkaEvents events,
      @Channel(Channels.JOB_PROGRESS_OUT) MutinyEmitter<byte[]> progress,
      @Channel(Channels.ADAPTER_TRAINED_OUT) MutinyEmitter<byte[]> trained,
      @Channel(Channels.JOB_FAILED_OUT) MutinyEmitter<byte[]> failed) {
    this.emitters =
        new TopicEmitters("the trainer", events)
            .route(Topics.JOB_PROGRESS, progress)
            .route(Topics.ADAPTER_TRAINED, trained)
            .route(Topics.JOB_FAILED, failed);
  }

  /** Sends {@code event} to its topic, keyed by job id. */
  @Override
  public Uni<Void> publish(CuraEvent event) {
    return emitters.publish(event);
  }

  /** Sends {@code envelope} as it is (same event id, for re-published terminal events). */
  public Uni<Void> publish(EventEnvelope<? extends CuraEvent> envelope) {
    return emitters.publish(envelope);
  }
}
