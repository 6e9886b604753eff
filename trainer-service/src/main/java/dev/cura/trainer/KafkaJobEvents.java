package dev.cura.trainer;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventEnvelope;
import dev.cura.trainer.job.JobEvents;
import dev.cura.trainer.messaging.EventPublisher;
import java.time.Duration;

/** {@link JobEvents} on Kafka: waits (on the training thread) for the broker's acknowledgement. */
record KafkaJobEvents(EventPublisher publisher, Duration timeout) implements JobEvents {
  @Override
  public void publish(EventEnvelope<? extends CuraEvent> envelope) {
    publisher.publish(envelope).await().atMost(timeout);
  }
}
