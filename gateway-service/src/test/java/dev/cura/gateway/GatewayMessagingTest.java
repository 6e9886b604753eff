package dev.cura.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.Topics;
import dev.cura.gateway.messaging.EventPublisher;
import dev.cura.rest.inbox.ProcessedEvent;
import dev.cura.testinfra.EmbeddedPostgresServer;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The gateway's Kafka wiring and database against the real (in-JVM) broker and PostgreSQL. */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class GatewayMessagingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final EventCodec codec = new EventCodec();

  @Inject EventPublisher publisher;

  @Test
  void publishedFineTuneRequestedCarriesJobKeyAndCloudEventsHeaders() {
    String job = "ftjob-" + UUID.randomUUID();
    publisher.publish(SampleEvents.fineTuneRequested(job)).await().atMost(WAIT);

    var record = TestKafka.await(Topics.JOB_REQUESTED, r -> job.equals(r.key()), 1, WAIT).get(0);
    var headers = TestKafka.headers(record);
    assertEquals("dev.cura.FineTuneRequested.v1", headers.get("ce_type"));
    assertEquals("/cura/gateway", headers.get("ce_source"));
    assertEquals(job, headers.get("ce_subject"));
    assertEquals("1.0", headers.get("ce_specversion"));
    assertEquals("urn:cura:event:FineTuneRequested:v1", headers.get("ce_dataschema"));
    assertEquals("application/json", headers.get("content-type"));
    assertEquals(SampleEvents.fineTuneRequested(job), codec.decode(headers, record.value()).data());
  }

  @Test
  void invalidRecordsGoToTheDeadLetterTopicAndTheNextGoodRecordIsProcessedOnce()
      throws SQLException {
    String id = UUID.randomUUID().toString();
    EncodedEvent good =
        codec.encode(
            EventEnvelope.create(
                "/test",
                new dev.cura.events.TrainingProgress(
                    "good-" + id, 3, 0.1, 2.5, 1e-4, 100, 1L << 30, null, null)));
    TestKafka.send(Topics.JOB_PROGRESS, "bad-" + id, good.headers(), bytes("not json"));
    // a required field missing
    String noDigest = good.valueAsString().replaceFirst("\"loss\":2.5,", "");
    TestKafka.send(Topics.JOB_PROGRESS, "missing-" + id, good.headers(), bytes(noDigest));
    TestKafka.send(good);
    // the same event again (a redelivery): the inbox must make it a no-op
    var last = TestKafka.send(good);

    var dead =
        TestKafka.await(
            Topics.dlq("gateway"), r -> r.key() != null && r.key().endsWith(id), 2, WAIT);
    assertEquals(
        Set.of("bad-" + id, "missing-" + id), Set.of(dead.get(0).key(), dead.get(1).key()));
    for (var r : dead) {
      var h = TestKafka.headers(r);
      if (r.key().startsWith("bad-")) {
        assertEquals("malformed_json", h.get("cura-error-code"));
      } else {
        assertEquals("missing_field", h.get("cura-error-code"));
        assertEquals("loss", h.get("cura-error-field"));
        assertTrue(h.get("dead-letter-reason").contains("loss"), h.toString());
      }
      assertEquals(Topics.JOB_PROGRESS, h.get("dead-letter-topic"));
    }

    await()
        .atMost(WAIT)
        .until(
            () ->
                TestKafka.committedOffset("cura-gateway", Topics.JOB_PROGRESS, last.partition())
                    > last.offset());
    assertEquals(1, countRows("good-" + id), "one inbox row for the event and its redelivery");
  }

  @Test
  @RunOnVertxContext
  void rowRoundTripsThroughPostgresWithHibernateReactive(UniAsserter asserter) {
    String eventId = "evt-" + UUID.randomUUID();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    asserter.execute(
        () ->
            Panache.withTransaction(
                () -> {
                  var row = new ProcessedEvent();
                  row.eventId = eventId;
                  row.eventType = "dev.cura.TrainingProgress.v1";
                  row.jobId = "ftjob-rt";
                  row.processedAt = at;
                  return row.persist();
                }));
    asserter.assertThat(
        () -> Panache.withSession(() -> ProcessedEvent.<ProcessedEvent>findById(eventId)),
        row -> {
          assertEquals("ftjob-rt", row.jobId);
          assertEquals(at, row.processedAt.truncatedTo(ChronoUnit.MILLIS));
        });
  }

  @Test
  void healthOpenApiAndMetricsAreServed() {
    given().get("/q/health/ready").then().statusCode(200).body(containsString("UP"));
    given().get("/q/openapi").then().statusCode(200).body(containsString("openapi"));
    given().get("/q/metrics").then().statusCode(200).body(containsString("kafka_consumer"));
  }

  /** Rows of the gateway's inbox for a job, read with plain JDBC (not through Hibernate). */
  private static int countRows(String jobId) throws SQLException {
    var pg = EmbeddedPostgresServer.connection();
    var props = new Properties();
    props.put("user", pg.user());
    props.put("password", pg.password());
    try (var conn = new org.postgresql.Driver().connect("jdbc:" + pg.reactiveUrl(), props);
        var st =
            conn.prepareStatement("select count(*) from gw_processed_event where job_id = ?")) {
      st.setString(1, jobId);
      try (var rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
