package dev.cura.quantizer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.events.CheckpointQuantized;
import dev.cura.events.EventCodec;
import dev.cura.events.QuantConfig;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No record stops the quantizer's consumers: poison of every kind on {@code cura.job.requested} and
 * {@code cura.job.cancel} is dead-lettered with its reason, readiness stays UP, and requests sent
 * afterwards with the CloudEvents SDK, structured and binary, are quantized.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class QuantizerPoisonTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final EventCodec CODEC = new EventCodec();
  private static final String MODEL = "poison-" + UUID.randomUUID().toString().substring(0, 8);
  private static String digest;

  @Inject QuantizationJobs jobs;

  @BeforeAll
  static void model() throws Exception {
    digest = TestModels.registerSynthetic(MODEL, System.nanoTime());
  }

  @Test
  void poisonIsDeadLetteredAndSdkRequestsOfBothModesAreQuantized() {
    String job = "ftjob-qpoison-" + UUID.randomUUID();
    var poisons =
        PoisonRecords.ofTwoTopics(
            SampleEvents.fineTuneRequested(job), SampleEvents.cancelRequested(job));
    PoisonRecords.deadLetterAll("quantizer", poisons, WAIT);

    for (Encoding mode : new Encoding[] {Encoding.STRUCTURED, Encoding.BINARY}) {
      String ok = "ftjob-qsdk-" + mode.name().toLowerCase() + "-" + UUID.randomUUID();
      CloudEventsSdk.send(
          SampleEvents.upstream(
              QuantizationJobsTest.request(ok, MODEL, digest, new QuantConfig("nf4", true, 64))),
          mode);
      var rec = TestKafka.await(Topics.CHECKPOINT_QUANTIZED, r -> ok.equals(r.key()), 1, WAIT);
      var q =
          (CheckpointQuantized)
              CODEC.decode(TestKafka.headers(rec.get(0)), rec.get(0).value()).data();
      assertEquals(ok, q.jobId());

      String cancelled = "ftjob-qcancel-" + mode.name().toLowerCase() + "-" + UUID.randomUUID();
      CloudEventsSdk.send(SampleEvents.upstream(SampleEvents.cancelRequested(cancelled)), mode);
      await().atMost(WAIT).until(() -> jobs.isCancelled(cancelled));
    }
    given().get("/q/health/ready").then().statusCode(200);
  }
}
