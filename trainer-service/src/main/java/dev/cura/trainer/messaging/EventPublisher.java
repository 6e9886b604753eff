package dev.cura.trainer.messaging;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventEnvelope;
import dev.cura.messaging.KafkaEvents;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Publishes the trainer's events; the Uni completes when the broker acknowledged (acks=all). */
@ApplicationScoped
public class EventPublisher {
  private final KafkaEvents events;
  private final MutinyEmitter<byte[]> progress;
  private final MutinyEmitter<byte[]> trained;
  private final MutinyEmitter<byte[]> failed;

  EventPublisher(
      KafkaEvents events,
      @Channel(Channels.JOB_PROGRESS_OUT) MutinyEmitter<byte[]> progress,
      @Channel(Channels.ADAPTER_TRAINED_OUT) MutinyEmitter<byte[]> trained,
      @Channel(Channels.JOB_FAILED_OUT) MutinyEmitter<byte[]> failed) {
    this.events = events;
    this.progress = progress;
    this.trained = trained;
    this.failed = failed;
  }

  /**
   * Sends {@code event} to its topic, keyed by job id.
   *
   * @throws IllegalArgumentException for an event type the trainer does not publish
   */
  public Uni<Void> publish(CuraEvent event) {
    return publish(EventEnvelope.create(events.source(), event));
  }

  /**
   * Sends {@code envelope} as it is (same event id: a re-published terminal event is recognised as
   * the same event by consumers that dedupe on ids).
   *
   * @throws IllegalArgumentException for an event type the trainer does not publish
   */
  public Uni<Void> publish(EventEnvelope<? extends CuraEvent> envelope) {
    MutinyEmitter<byte[]> emitter =
        switch (envelope.type()) {
          case TRAINING_PROGRESS, CHECKPOINT_SAVED -> progress;
          case ADAPTER_TRAINED -> trained;
          case JOB_FAILED, JOB_CANCELLED -> failed;
          default ->
              throw new IllegalArgumentException(
                  "the trainer publishes TrainingProgress, CheckpointSaved, AdapterTrained and"
                      + " JobFailed, got "
                      + envelope.type().eventName());
        };
    return emitter.sendMessage(events.message(envelope));
  }
}
