package dev.cura.registry;

import static io.restassured.RestAssured.given;

import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
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
  private static final EventCodec CODEC = new EventCodec();

  @Test
  void poisonIsDeadLetteredAndSdkRecordsOfBothModesAreHandled() {
    String job = "ftjob-rpoison-" + UUID.randomUUID();
    var poisons =
        PoisonRecords.of(
            encode(SampleEvents.adapterTrained(job)), encode(SampleEvents.cancelRequested(job)));
    given().get("/q/health/ready").then().statusCode(200);
    PoisonRecords.send(poisons);
    PoisonRecords.awaitDeadLettered("registry", poisons, WAIT);
    given().get("/q/health/ready").then().statusCode(200);

    for (Encoding mode : new Encoding[] {Encoding.STRUCTURED, Encoding.BINARY}) {
      // an adapter that is not in the store: handled (a JobFailed), then committed past
      String ok = "ftjob-rsdk-" + mode.name().toLowerCase() + "-" + UUID.randomUUID();
      var sent = CloudEventsSdk.send(encode(SampleEvents.adapterTrained(ok)), mode);
      TestKafka.await(Topics.JOB_FAILED, r -> ok.equals(r.key()), 1, WAIT);
      TestKafka.awaitCommittedPast("cura-registry", sent, WAIT);
    }
    given().get("/q/health/ready").then().statusCode(200);
  }

  private static EncodedEvent encode(CuraEvent e) {
    return CODEC.encode(EventEnvelope.create("/upstream/test", e));
  }
}
