package dev.cura.trainer;

import dev.cura.events.JobFailed;
import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.MessagingContract;
import dev.cura.testinfra.SampleEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The trainer's Kafka wiring against the real (in-JVM) broker: the {@link MessagingContract} with
 * JobFailed published and CheckpointQuantized consumed.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerMessagingTest extends MessagingContract {
  TrainerMessagingTest() {
    super(
        "trainer",
        job -> new JobFailed(job, JobFailed.Stage.TRAINING, JobFailed.Code.INTERNAL, "disk"),
        SampleEvents::checkpointQuantized);
  }
}
