package dev.cura.trainer;

import dev.cura.events.CuraEvent;
import dev.cura.events.JobFailed;
import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.MessagingContract;
import dev.cura.testinfra.SampleEvents;
import dev.cura.trainer.messaging.EventPublisher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The trainer's Kafka wiring against the real (in-JVM) broker: the {@link MessagingContract} with
 * JobFailed published and CheckpointQuantized consumed.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerMessagingTest extends MessagingContract {
  @Inject EventPublisher publisher;

  @Override
  protected String service() {
    return "trainer";
  }

  @Override
  protected CuraEvent published(String job) {
    return new JobFailed(job, JobFailed.Stage.TRAINING, JobFailed.Code.INTERNAL, "disk");
  }

  @Override
  protected void publish(CuraEvent event) {
    publisher.publish(event).await().atMost(WAIT);
  }

  @Override
  protected CuraEvent consumed(String job) {
    return SampleEvents.checkpointQuantized(job);
  }
}
