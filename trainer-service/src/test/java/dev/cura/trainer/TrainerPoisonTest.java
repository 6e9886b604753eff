package dev.cura.trainer;

import static org.awaitility.Awaitility.await;

import dev.cura.testinfra.CloudEventsSdk;
import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.PoisonContract;
import dev.cura.testinfra.PoisonRecords;
import dev.cura.testinfra.SampleEvents;
import io.cloudevents.core.message.Encoding;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The {@link PoisonContract} of the trainer's consumers: poison of every kind on {@code
 * cura.checkpoint.quantized} and {@code cura.job.cancel}, then cancels and jobs sent with the
 * CloudEvents SDK are handled.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerPoisonTest extends PoisonContract {
  @Inject TrainerLifecycle trainer;

  TrainerPoisonTest() {
    super(
        "trainer",
        job ->
            PoisonRecords.ofTwoTopics(
                SampleEvents.checkpointQuantized(job), SampleEvents.cancelRequested(job)));
  }

  @Override
  protected void sdkRecordsAreHandled(Encoding mode) {
    String cancelled = jobId("tcancel", mode);
    CloudEventsSdk.send(SampleEvents.upstream(SampleEvents.cancelRequested(cancelled)), mode);
    await().atMost(WAIT).until(() -> trainer.worker().isCancelled(cancelled));

    // a job whose artifact is not in the store: handled (a JobFailed), then committed past
    awaitJobFailedAndCommittedPast(SampleEvents.checkpointQuantized(jobId("tsdk", mode)), mode);
  }
}
