package dev.cura.registry.messaging;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventType;
import dev.cura.messaging.KafkaEvents;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Publishes the registry's events; the Uni completes when the broker acknowledged (acks=all). */
@ApplicationScoped
public class EventPublisher {
  private final KafkaEvents events;
  private final MutinyEmitter<byte[]> registered;
  private final MutinyEmitter<byte[]> failed;

  EventPublisher(
      KafkaEvents events,
      @Channel(Channels.ADAPTER_REGISTERED_OUT) MutinyEmitter<byte[]> registered,
      @Channel(Channels.JOB_FAILED_OUT) MutinyEmitter<byte[]> failed) {
    this.events = events;
    this.registered = registered;
    this.failed = failed;
  }

  /**
   * Sends {@code event} to its topic, keyed by job id.
   *
   * @throws IllegalArgumentException for an event type the registry does not publish
   */
  public Uni<Void> publish(CuraEvent event) {
    MutinyEmitter<byte[]> emitter =
        switch (EventType.of(event)) {
          case ADAPTER_REGISTERED -> registered;
          case JOB_FAILED -> failed;
          default ->
              throw new IllegalArgumentException(
                  "the registry publishes AdapterRegistered and JobFailed, got "
                      + event.getClass().getSimpleName());
        };
    return emitter.sendMessage(events.message(event));
  }
}
