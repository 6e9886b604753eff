package dev.cura.gateway;

import static dev.cura.gateway.GatewayApiTest.ADMIN;
import static dev.cura.gateway.GatewayApiTest.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.cura.events.AdapterRegistered;
import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.JobFailed;
import dev.cura.events.TrainingProgress;
import dev.cura.testinfra.CloudEventsSdk;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.PoisonRecords;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.cloudevents.core.message.Encoding;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  private static final EventCodec CODEC = new EventCodec();

  @Test
  void poisonOfEveryKindOnEveryTopicIsDeadLetteredAndSdkJobsOfBothModesSucceed() {
    String job = "ftjob-poison-" + UUID.randomUUID();
    List<CuraEvent> oneOfEachTopic =
        List.of(
            SampleEvents.fineTuneRequested(job),
            SampleEvents.checkpointQuantized(job),
            new TrainingProgress(job, 1, 0.1, 2.0, 1e-4, 10, 1, null, null),
            SampleEvents.adapterTrained(job),
            new AdapterRegistered(job, "default", "x", 1, SampleEvents.SHA_A),
            new JobFailed(job, JobFailed.Stage.TRAINING, JobFailed.Code.INTERNAL, "m"),
            SampleEvents.cancelRequested(job));
    var poisons = new ArrayList<PoisonRecords.Poison>();
    for (CuraEvent e : oneOfEachTopic) {
      poisons.addAll(PoisonRecords.of(encode(e), null));
    }
    given().get("/q/health/ready").then().statusCode(200);
    PoisonRecords.send(poisons);
    PoisonRecords.awaitDeadLettered("gateway", poisons, WAIT);
    given().get("/q/health/ready").then().statusCode(200);

    for (Encoding mode : new Encoding[] {Encoding.STRUCTURED, Encoding.BINARY}) {
      String upstream = "ftjob-sdk-" + mode.name().toLowerCase() + "-" + UUID.randomUUID();
      CloudEventsSdk.send(encode(SampleEvents.fineTuneRequested(upstream)), mode);
      awaitJob(upstream, "stage", "quantizing");
      CloudEventsSdk.send(
          encode(new AdapterRegistered(upstream, "default", "sdk-" + mode, 1, SampleEvents.SHA_A)),
          mode);
      awaitJob(upstream, "status", "succeeded");
    }
    given().get("/q/health/ready").then().statusCode(200);
    given().get("/q/health/live").then().statusCode(200);
  }

  /**
   * Binary mode with every attribute the CloudEvents JavaScript SDK's {@code Kafka.binary} lists as
   * a header ({@code ce_datacontenttype} included), the unset one ({@code ce_dataschema}) as a
   * header without a value — Kafka allows null header values, and a producer that maps unset
   * attributes to null sends them so: an attribute not set, not a wrong one.
   */
  @Test
  void binaryModeWithUnsetAttributesAsNullHeadersIsProjected() {
    String upstream = "ftjob-js-binary-" + UUID.randomUUID();
    EncodedEvent e = encode(SampleEvents.fineTuneRequested(upstream));
    var headers = new java.util.LinkedHashMap<String, String>();
    headers.put("content-type", "application/json");
    for (String attribute : List.of("id", "time", "type", "source", "specversion", "subject")) {
      headers.put("ce_" + attribute, e.headers().get("ce_" + attribute));
    }
    headers.put("ce_datacontenttype", "application/json");
    headers.put("ce_dataschema", null);
    TestKafka.send(e.topic(), e.key(), headers, e.value());
    awaitJob(upstream, "stage", "quantizing");
  }

  /** Waits until the job's {@code field} (stage or status) reads {@code value}. */
  private static void awaitJob(String job, String field, String value) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                as(ADMIN)
                    .get("/v1/fine_tuning/jobs/" + job)
                    .then()
                    .statusCode(200)
                    .body(field, equalTo(value)));
  }

  private static EncodedEvent encode(CuraEvent e) {
    return CODEC.encode(EventEnvelope.create("/upstream/test", e));
  }
}
