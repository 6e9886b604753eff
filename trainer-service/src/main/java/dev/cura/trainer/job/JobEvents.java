package dev.cura.trainer.job;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventEnvelope;

/** Where the job's events go (Kafka in the service). */
public interface JobEvents {

  /**
   * Publishes {@code envelope} and returns once the broker acknowledged it (acks=all).
   *
   * @throws RuntimeException when the event could not be published
   */
  void publish(EventEnvelope<? extends CuraEvent> envelope);
}
