package dev.cura.quantizer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.events.CheckpointQuantized;
import dev.cura.events.EventCodec;
import dev.cura.events.QuantConfig;
import dev.cura.events.Topics;
import dev.cura.testinfra.CloudEventsSdk;
import dev.cura.testinfra.KafkaTestResource;
import dev.cura.testinfra.PoisonContract;
import dev.cura.testinfra.PoisonRecords;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.cloudevents.core.message.Encoding;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link PoisonContract} of the quantizer's consumers: poison of every kind on {@code
 * cura.job.requested} and {@code cura.job.cancel}, then requests and cancels sent with the
 * CloudEvents SDK are quantized and cancelled.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class QuantizerPoisonTest extends PoisonContract {
  private static final EventCodec CODEC = new EventCodec();
  private static final String MODEL = "poison-" + UUID.randomUUID().toString().substring(0, 8);
  private static String digest;

  @Inject QuantizationJobs jobs;

  QuantizerPoisonTest() {
    super(
        "quantizer",
        job ->
            PoisonRecords.ofTwoTopics(
                SampleEvents.fineTuneRequested(job), SampleEvents.cancelRequested(job)));
  }

  @BeforeAll
  static void model() throws Exception {
    digest = TestModels.registerSynthetic(MODEL, System.nanoTime());
  }

  @Override
  protected void sdkRecordsAreHandled(Encoding mode) {
    String ok = jobId("qsdk", mode);
    CloudEventsSdk.send(
        SampleEvents.upstream(
            QuantizationJobsTest.request(ok, MODEL, digest, new QuantConfig("nf4", true, 64))),
        mode);
    var rec = TestKafka.await(Topics.CHECKPOINT_QUANTIZED, r -> ok.equals(r.key()), 1, WAIT);
    var q =
        (CheckpointQuantized)
            CODEC.decode(TestKafka.headers(rec.get(0)), rec.get(0).value()).data();
    assertEquals(ok, q.jobId());

    String cancelled = jobId("qcancel", mode);
    CloudEventsSdk.send(SampleEvents.upstream(SampleEvents.cancelRequested(cancelled)), mode);
    await().atMost(WAIT).until(() -> jobs.isCancelled(cancelled));
  }
}
