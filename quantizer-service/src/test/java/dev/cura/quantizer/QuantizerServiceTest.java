package dev.cura.quantizer;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.CheckpointQuantized;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.JobFailed;
import dev.cura.events.QuantConfig;
import dev.cura.events.Topics;
import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.MetricsCatalog;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Through the real (in-JVM) Kafka broker: requests in, artifacts and events out. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class QuantizerServiceTest {
  static final EventCodec CODEC = new EventCodec();
  static final Duration WAIT = Duration.ofSeconds(90);

  @Inject QuantizationJobs jobs;

  /** A base model of its own per run (random seed → new digest → never in the store yet). */
  static final String MODEL = "svc-" + UUID.randomUUID().toString().substring(0, 8);

  static String digest;

  @BeforeAll
  static void model() throws Exception {
    digest = TestModels.registerSynthetic(MODEL, System.nanoTime());
  }

  static EventEnvelope<?> decode(ConsumerRecord<String, byte[]> r) {
    return CODEC.decode(TestKafka.headers(r), r.value());
  }

  @Test
  void twoJobsOnOneBaseQuantizeOnceAndEmitTwoEvents() {
    QuantConfig q = new QuantConfig("nf4", true, 32);
    String run = UUID.randomUUID().toString().substring(0, 8);
    String j1 = "ftjob-" + run + "-1";
    String j2 = "ftjob-" + run + "-2";
    long before = jobs.quantizationsRun();
    TestKafka.send(
        CODEC.encode(
            EventEnvelope.create("/test", QuantizationJobsTest.request(j1, MODEL, digest, q))));
    TestKafka.send(
        CODEC.encode(
            EventEnvelope.create("/test", QuantizationJobsTest.request(j2, MODEL, digest, q))));
    var records =
        TestKafka.await(
            Topics.CHECKPOINT_QUANTIZED, r -> Set.of(j1, j2).contains(r.key()), 2, WAIT);
    CheckpointQuantized a = (CheckpointQuantized) decode(records.get(0)).data();
    CheckpointQuantized b = (CheckpointQuantized) decode(records.get(1)).data();
    assertEquals(a.artifactDigest(), b.artifactDigest());
    assertNotEquals(a.cacheHit(), b.cacheHit(), "one quantized, the other reused it");
    assertEquals(1, jobs.quantizationsRun() - before, "quantized exactly once");
    // QLORA-SPEC §3.3 at B = 32: 4 + 8/32 + 32/(32·256) ≈ 4.254 bits/param
    assertEquals(4.254, a.bitsPerParam(), 0.01);
    assertEquals("cas:sha256/" + a.artifactDigest(), a.artifactUri());
    assertTrue(
        Files.isDirectory(TestModels.artifactRoot().resolve("sha256").resolve(a.artifactDigest())));
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(metrics.contains("cura_quantize_cache_total{result=\"hit\"}"), "hits metric");
    assertTrue(metrics.contains("cura_quantize_cache_total{result=\"miss\"}"), "misses metric");
    // every family the dashboards and alerts query for the quantizer is exported
    assertEquals(List.of(), MetricsCatalog.missing("quantizer-service", metrics));
    given().get("/v1/quantizer/status").then().statusCode(200);
  }

  @Test
  void unknownBaseModelFailsTheJobAsUserError() {
    String j = "ftjob-" + UUID.randomUUID();
    TestKafka.send(
        CODEC.encode(
            EventEnvelope.create(
                "/test",
                QuantizationJobsTest.request(
                    j, "no-such-model", new QuantConfig("nf4", true, 64)))));
    var rec = TestKafka.await(Topics.JOB_FAILED, r -> j.equals(r.key()), 1, WAIT).get(0);
    JobFailed f = (JobFailed) decode(rec).data();
    assertEquals(JobFailed.Code.USER_ERROR, f.code());
    assertTrue(f.message().contains("no-such-model"), f.message());
  }

  @Test
  void malformedRecordGoesToTheDeadLetterTopic() {
    String key = "bad-" + UUID.randomUUID();
    TestKafka.send(
        Topics.JOB_REQUESTED, key, Map.of(), "{not json".getBytes(StandardCharsets.UTF_8));
    var rec = TestKafka.await(Topics.dlq("quantizer"), r -> key.equals(r.key()), 1, WAIT).get(0);
    assertEquals("missing_header", TestKafka.headers(rec).get("cura-error-code"));
  }
}
