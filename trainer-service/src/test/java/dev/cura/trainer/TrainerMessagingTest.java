package dev.cura.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.JobFailed;
import dev.cura.events.Topics;
import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import dev.cura.trainer.messaging.EventPublisher;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The trainer's Kafka wiring against the real (in-JVM) broker. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerMessagingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final EventCodec codec = new EventCodec();

  @Inject EventPublisher publisher;

  @Test
  void publishedEventCarriesJobKeyAndCloudEventsHeaders() {
    String job = "ftjob-" + UUID.randomUUID();
    publisher
        .publish(new JobFailed(job, JobFailed.Stage.TRAINING, JobFailed.Code.INTERNAL, "disk"))
        .await()
        .atMost(WAIT);

    var record = TestKafka.await(Topics.JOB_FAILED, r -> job.equals(r.key()), 1, WAIT).get(0);
    var headers = TestKafka.headers(record);
    assertEquals("dev.cura.JobFailed.v1", headers.get("ce_type"));
    assertEquals("/cura/trainer", headers.get("ce_source"));
    assertEquals(job, headers.get("ce_subject"));
    assertEquals("application/json", headers.get("content-type"));
    var decoded = (JobFailed) codec.decode(headers, record.value()).data();
    assertEquals(JobFailed.Stage.TRAINING, decoded.stage());
  }

  @Test
  void invalidRecordsGoToTheDeadLetterTopicAndTheNextGoodRecordIsProcessed() {
    String id = UUID.randomUUID().toString();
    EncodedEvent good =
        codec.encode(EventEnvelope.create("/test", SampleEvents.checkpointQuantized("good-" + id)));
    // valid headers, broken JSON
    TestKafka.send(Topics.CHECKPOINT_QUANTIZED, "bad-" + id, good.headers(), bytes("{\"job_id\":"));
    // well-formed JSON of an event type nobody knows
    var unknown = new HashMap<>(good.headers());
    unknown.put("ce_type", "dev.cura.Teleported.v1");
    TestKafka.send(Topics.CHECKPOINT_QUANTIZED, "unknown-" + id, unknown, good.value());
    var goodMeta = TestKafka.send(good.topic(), good.key(), good.headers(), good.value());

    var dead =
        TestKafka.await(
            Topics.dlq("trainer"), r -> r.key() != null && r.key().endsWith(id), 2, WAIT);
    assertEquals(
        Set.of("bad-" + id, "unknown-" + id), Set.of(dead.get(0).key(), dead.get(1).key()));
    for (var r : dead) {
      var h = TestKafka.headers(r);
      String expected = r.key().startsWith("bad-") ? "malformed_json" : "unknown_type";
      assertEquals(expected, h.get("cura-error-code"), r.key());
      assertEquals(Topics.CHECKPOINT_QUANTIZED, h.get("dead-letter-topic"));
      assertTrue(h.get("dead-letter-reason").length() > 10, h.get("dead-letter-reason"));
      assertTrue(h.containsKey("ce_id"), "original headers are kept: " + h.keySet());
    }

    // the consumer went on: it committed past the good record and counted it as handled
    await()
        .atMost(WAIT)
        .until(
            () ->
                TestKafka.committedOffset(
                        "cura-trainer", Topics.CHECKPOINT_QUANTIZED, goodMeta.partition())
                    > goodMeta.offset());
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            containsString(
                "cura_events_consumed_total{outcome=\"ok\",type=\"CheckpointQuantized\"}"))
        .body(
            containsString("cura_events_consumed_total{outcome=\"dead_letter\",type=\"invalid\"}"));
  }

  @Test
  void healthOpenApiAndMetricsAreServed() {
    given().get("/q/health/ready").then().statusCode(200);
    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/openapi").then().statusCode(200).body(containsString("openapi"));
    given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
