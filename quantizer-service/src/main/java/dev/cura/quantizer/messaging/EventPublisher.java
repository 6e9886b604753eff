package dev.cura.quantizer.messaging;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventType;
import dev.cura.messaging.KafkaEvents;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Publishes the quantizer's events; the Uni completes when the broker acknowledged (acks=all). */
@ApplicationScoped
public class EventPublisher {
  private final KafkaEvents events;
  private final MutinyEmitter<byte[]> quantized;
  private final MutinyEmitter<byte[]> failed;

  EventPublisher(
      KafkaEvents events,
      @Channel(Channels.CHECKPOINT_QUANTIZED_OUT) MutinyEmitter<byte[]> quantized,
      @Channel(Channels.JOB_FAILED_OUT) MutinyEmitter<byte[]> failed) {
    this.events = events;
    this.quantized = quantized;
    this.failed = failed;
  }

  /**
   * Sends {@code event} to its topic, keyed by job id.
   *
   * @throws IllegalArgumentException for an event type the quantizer does not publish
   */
  public Uni<Void> publish(CuraEvent event) {
    MutinyEmitter<byte[]> emitter =
        switch (EventType.of(event)) {
          case CHECKPOINT_QUANTIZED -> quantized;
          case JOB_FAILED, JOB_CANCELLED -> failed;
          default ->
              throw new IllegalArgumentException(
                  "the quantizer publishes CheckpointQuantized, JobFailed and JobCancelled, got "
                      + event.getClass().getSimpleName());
        };
    return emitter.sendMessage(events.message(event));
  }
}
