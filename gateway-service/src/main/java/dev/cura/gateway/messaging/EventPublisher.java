package dev.cura.gateway.messaging;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventType;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Publishes the gateway's events; the Uni completes when the broker acknowledged (acks=all). */
@ApplicationScoped
public class EventPublisher {
  private final KafkaEvents events;
  private final MutinyEmitter<byte[]> requested;
  private final MutinyEmitter<byte[]> cancel;
  private final MutinyEmitter<byte[]> failed;

  EventPublisher(
      KafkaEvents events,
      @Channel(Channels.JOB_REQUESTED_OUT) MutinyEmitter<byte[]> requested,
      @Channel(Channels.JOB_CANCEL_OUT) MutinyEmitter<byte[]> cancel,
      @Channel(Channels.JOB_FAILED_OUT) MutinyEmitter<byte[]> failed) {
    this.events = events;
    this.requested = requested;
    this.cancel = cancel;
    this.failed = failed;
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
