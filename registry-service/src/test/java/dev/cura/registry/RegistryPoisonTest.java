package dev.cura.registry;

import static io.restassured.RestAssured.given;

import dev.cura.events.Topics;
import dev.cura.testinfra.CloudEventsSdk;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.PoisonRecords;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.cloudevents.core.message.Encoding;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * No record stops the registry's consumer: poison of every kind on {@code cura.adapter.trained} is
 * dead-lettered with its reason, readiness stays UP, and AdapterTrained events sent afterwards with
 * the CloudEvents SDK, structured and binary, are handled.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class RegistryPoisonTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void poisonIsDeadLetteredAndSdkRecordsOfBothModesAreHandled() {
    String job = "ftjob-rpoison-" + UUID.randomUUID();
    var poisons =
        PoisonRecords.of(
            SampleEvents.upstream(SampleEvents.adapterTrained(job)),
            SampleEvents.upstream(SampleEvents.cancelRequested(job)));
    PoisonRecords.deadLetterAll("registry", poisons, WAIT);

    for (Encoding mode : new Encoding[] {Encoding.STRUCTURED, Encoding.BINARY}) {
      // an adapter that is not in the store: handled (a JobFailed), then committed past
      String ok = "ftjob-rsdk-" + mode.name().toLowerCase() + "-" + UUID.randomUUID();
      var sent = CloudEventsSdk.send(SampleEvents.upstream(SampleEvents.adapterTrained(ok)), mode);
      TestKafka.await(Topics.JOB_FAILED, r -> ok.equals(r.key()), 1, WAIT);
      TestKafka.awaitCommittedPast("cura-registry", sent, WAIT);
    }
    given().get("/q/health/ready").then().statusCode(200);
  }
}
