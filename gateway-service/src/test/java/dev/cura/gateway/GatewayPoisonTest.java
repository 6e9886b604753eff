package dev.cura.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.cura.events.AdapterRegistered;
import dev.cura.events.CuraEvent;
import dev.cura.testinfra.CloudEventsSdk;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.PoisonRecords;
import dev.cura.testinfra.SampleEvents;
import io.cloudevents.core.message.Encoding;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * No record stops the gateway's consumer: a poison record of every kind on every topic it reads is
 * dead-lettered with its reason, readiness stays UP, and upstream jobs published afterwards with
 * the CloudEvents SDK, in structured and in binary mode, are projected to {@code succeeded}.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class GatewayPoisonTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void poisonOfEveryKindOnEveryTopicIsDeadLetteredAndSdkJobsOfBothModesSucceed() {
    String job = "ftjob-poison-" + UUID.randomUUID();
    var poisons = new ArrayList<PoisonRecords.Poison>();
    for (CuraEvent e : SampleEvents.onePerTopic(job)) {
      poisons.addAll(PoisonRecords.of(SampleEvents.upstream(e), null));
    }
    PoisonRecords.deadLetterAll("gateway", poisons, WAIT);

    for (Encoding mode : new Encoding[] {Encoding.STRUCTURED, Encoding.BINARY}) {
      String upstream = "ftjob-sdk-" + mode.name().toLowerCase() + "-" + UUID.randomUUID();
      CloudEventsSdk.send(SampleEvents.upstream(SampleEvents.fineTuneRequested(upstream)), mode);
      GatewayApiTest.awaitJob(
          upstream, r -> r.statusCode(200).body("stage", equalTo("quantizing")));
      CloudEventsSdk.send(
          SampleEvents.upstream(
              new AdapterRegistered(upstream, "default", "sdk-" + mode, 1, SampleEvents.SHA_A)),
          mode);
      GatewayApiTest.awaitJob(upstream, r -> r.body("status", equalTo("succeeded")));
    }
    given().get("/q/health/ready").then().statusCode(200);
    given().get("/q/health/live").then().statusCode(200);
  }
}
