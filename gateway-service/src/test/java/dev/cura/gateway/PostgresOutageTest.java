package dev.cura.gateway;

import static dev.cura.gateway.GatewayApiTest.CHAT;
import static dev.cura.testinfra.TestApi.ADMIN;
import static dev.cura.testinfra.TestApi.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.events.AdapterRegistered;
import dev.cura.events.CheckpointSaved;
import dev.cura.events.CuraEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.Topics;
import dev.cura.events.TrainingProgress;
import dev.cura.testinfra.EmbeddedPostgresServer;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away for 20 s while jobs run (fast shutdown: connections cut, as in a failover)
 * and comes back: the gateway's projection retries with backoff (KafkaEvents), so every job still
 * ends {@code succeeded}, and nothing is dead-lettered.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class PostgresOutageTest {
  private static final EventCodec CODEC = new EventCodec();

  @Test
  void jobsSurviveATwentySecondOutage() throws Exception {
    GatewayApiTest.registerTiny();
    String file = GatewayApiTest.upload(ADMIN, CHAT);
    var jobs = new ArrayList<String>();
    for (int i = 0; i < 4; i++) {
      jobs.add(
          as(ADMIN)
              .contentType("application/json")
              .body(Map.of("model", "tiny", "training_file", file, "suffix", "outage" + i))
              .post("/v1/fine_tuning/jobs")
              .then()
              .statusCode(200)
              .extract()
              .path("id"));
    }
    for (String job : jobs) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  as(ADMIN)
                      .get("/v1/fine_tuning/jobs/" + job)
                      .then()
                      .body("stage", equalTo("quantizing")));
    }

    EmbeddedPostgresServer.stop();
    try {
      // the pipeline goes on while the database is away: the events wait for it on their topics
      for (String job : jobs) {
        send(new TrainingProgress(job, 1, 0.1, 2.0, 1e-4, 100, 1 << 20, 2L, 10L));
        send(new CheckpointSaved(job, 1, SampleEvents.SHA_A, null));
        send(SampleEvents.adapterTrained(job));
        send(new AdapterRegistered(job, "default", "tiny-outage", 1, SampleEvents.SHA_A));
      }
      Thread.sleep(20_000);
    } finally {
      EmbeddedPostgresServer.startAgain();
    }

    for (String job : jobs) {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  as(ADMIN)
                      .get("/v1/fine_tuning/jobs/" + job)
                      .then()
                      .statusCode(200)
                      .body("status", equalTo("succeeded")));
    }
    List<String> dead =
        TestKafka.readAll(Topics.dlq("gateway"), r -> jobs.contains(r.key()), Duration.ofSeconds(5))
            .stream()
            .map(r -> r.key() + ": " + TestKafka.headers(r).get("dead-letter-reason"))
            .toList();
    assertEquals(List.of(), dead, "nothing dead-lettered");
  }

  private static void send(CuraEvent e) {
    TestKafka.send(CODEC.encode(EventEnvelope.create("/cura/test", e)));
  }
}
