package dev.cura.gateway;

import static dev.cura.testinfra.TestApi.ADMIN;
import static dev.cura.testinfra.TestApi.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.cura.events.CheckpointSaved;
import dev.cura.events.CuraEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.TrainingProgress;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Events of one job travel on several topics with no order between them: a job's progress may reach
 * the gateway before its request. Such events are projected onto an unclaimed job row (seen by
 * nobody) that the request claims when it comes — nothing is lost or parked.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class ProjectionOrderTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final EventCodec CODEC = new EventCodec();

  @Test
  void progressBeforeTheRequestIsKeptAndShownOnceTheRequestArrives() {
    String job = "ftjob-early-" + UUID.randomUUID();
    send(new TrainingProgress(job, 3, 0.3, 1.75, 1e-4, 100, 1 << 20, 10L, 30L));
    var last = send(new CheckpointSaved(job, 3, SampleEvents.SHA_A, null));
    TestKafka.awaitCommittedPast("cura-gateway", last, WAIT);
    // projected, but nobody's yet
    as(ADMIN).get("/v1/fine_tuning/jobs/" + job).then().statusCode(404);

    send(SampleEvents.fineTuneRequested(job));
    GatewayApiTest.awaitJob(
        job,
        r ->
            r.statusCode(200)
                .body("status", equalTo("running"))
                .body("stage", equalTo("training"))
                .body("trained_steps", equalTo(3))
                .body("organization_id", equalTo("default")));
    as(ADMIN)
        .get("/v1/fine_tuning/jobs/" + job + "/checkpoints")
        .then()
        .statusCode(200)
        .body("data.step_number", hasItem(3))
        .body("data[0].metrics.train_loss", equalTo(1.75f));
    as(ADMIN)
        .get("/v1/fine_tuning/jobs/" + job + "/events?limit=100")
        .then()
        .statusCode(200)
        .body("data.type", hasItem("metrics"))
        .body("data.data.kind", hasItem("checkpoint"));
  }

  private static org.apache.kafka.clients.producer.RecordMetadata send(CuraEvent e) {
    return TestKafka.send(CODEC.encode(EventEnvelope.create("/upstream/test", e)));
  }
}
