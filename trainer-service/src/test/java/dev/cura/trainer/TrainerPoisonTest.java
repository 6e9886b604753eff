package dev.cura.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.cura.events.Topics;
import dev.cura.testinfra.CloudEventsSdk;
import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.PoisonRecords;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.cloudevents.core.message.Encoding;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * No record stops the trainer's consumers: poison of every kind on {@code
 * cura.checkpoint.quantized} and {@code cura.job.cancel} is dead-lettered with its reason,
 * readiness stays UP, and records sent afterwards with the CloudEvents SDK, structured and binary,
 * are handled.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerPoisonTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Inject TrainerLifecycle trainer;

  @Test
  void poisonIsDeadLetteredAndSdkRecordsOfBothModesAreHandled() {
    String job = "ftjob-tpoison-" + UUID.randomUUID();
    var poisons =
        PoisonRecords.ofTwoTopics(
            SampleEvents.checkpointQuantized(job), SampleEvents.cancelRequested(job));
    PoisonRecords.deadLetterAll("trainer", poisons, WAIT);

    for (Encoding mode : new Encoding[] {Encoding.STRUCTURED, Encoding.BINARY}) {
      String cancelled = "ftjob-tcancel-" + mode.name().toLowerCase() + "-" + UUID.randomUUID();
      CloudEventsSdk.send(SampleEvents.upstream(SampleEvents.cancelRequested(cancelled)), mode);
      await().atMost(WAIT).until(() -> trainer.worker().isCancelled(cancelled));

      // a job whose artifact is not in the store: handled (a JobFailed), then committed past
      String ok = "ftjob-tsdk-" + mode.name().toLowerCase() + "-" + UUID.randomUUID();
      var sent =
          CloudEventsSdk.send(SampleEvents.upstream(SampleEvents.checkpointQuantized(ok)), mode);
      TestKafka.await(Topics.JOB_FAILED, r -> ok.equals(r.key()), 1, WAIT);
      TestKafka.awaitCommittedPast("cura-trainer", sent, WAIT);
    }
    given().get("/q/health/ready").then().statusCode(200);
  }
}
