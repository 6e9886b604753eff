package dev.cura.trainer;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventEnvelope;
import dev.cura.trainer.job.JobEvents;
import dev.cura.trainer.messaging.EventPublisher;
import java.time.Duration;

/** {@link JobEvents} on Kafka: waits (on the training thread) for the broker's acknowledgement. */
final class KafkaJobEvents implements JobEvents {
  private final EventPublisher publisher;
  private final Duration timeout;

  KafkaJobEvents(EventPublisher publisher, Duration timeout) {
    this.publisher = publisher;
    this.timeout = timeout;
  }

  @Override
  public void publish(EventEnvelope<? extends CuraEvent> envelope) {
    publisher.publish(envelope).await().atMost(timeout);
  }
}
