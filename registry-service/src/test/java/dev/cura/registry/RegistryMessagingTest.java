package dev.cura.registry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.AdapterRegistered;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.Topics;
import dev.cura.registry.messaging.EventPublisher;
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

/** The registry's Kafka wiring and database against the real (in-JVM) broker and PostgreSQL. */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class RegistryMessagingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final EventCodec codec = new EventCodec();

  @Inject EventPublisher publisher;

  @Test
  void publishedEventCarriesJobKeyAndCloudEventsHeaders() {
    String job = "ftjob-" + UUID.randomUUID();
    publisher
        .publish(new AdapterRegistered(job, "default", "demo", 2, SampleEvents.SHA_A))
        .await()
        .atMost(WAIT);

    var record =
        TestKafka.await(Topics.ADAPTER_REGISTERED, r -> job.equals(r.key()), 1, WAIT).get(0);
    var headers = TestKafka.headers(record);
    assertEquals("dev.cura.AdapterRegistered.v1", headers.get("ce_type"));
    assertEquals("/cura/registry", headers.get("ce_source"));
    assertEquals(job, headers.get("ce_subject"));
    assertEquals(2, ((AdapterRegistered) codec.decode(headers, record.value()).data()).version());
  }

  @Test
  void invalidRecordsGoToTheDeadLetterTopicAndTheNextGoodRecordIsProcessedOnce()
      throws SQLException {
    String id = UUID.randomUUID().toString();
    EncodedEvent good =
        codec.encode(EventEnvelope.create("/test", SampleEvents.adapterTrained("good-" + id)));
    TestKafka.send(Topics.ADAPTER_TRAINED, "bad-" + id, good.headers(), bytes("not json"));
    // a required field missing
    String noDigest = good.valueAsString().replaceFirst("\"adapter_digest\":\"a{64}\",", "");
    TestKafka.send(Topics.ADAPTER_TRAINED, "missing-" + id, good.headers(), bytes(noDigest));
    TestKafka.send(good);
    // the same event again (a redelivery): the inbox must make it a no-op
    var last = TestKafka.send(good);

    var dead =
        TestKafka.await(
            Topics.dlq("registry"), r -> r.key() != null && r.key().endsWith(id), 2, WAIT);
    assertEquals(
        Set.of("bad-" + id, "missing-" + id), Set.of(dead.get(0).key(), dead.get(1).key()));
    for (var r : dead) {
      var h = TestKafka.headers(r);
      if (r.key().startsWith("bad-")) {
        assertEquals("malformed_json", h.get("cura-error-code"));
      } else {
        assertEquals("missing_field", h.get("cura-error-code"));
        assertEquals("adapter_digest", h.get("cura-error-field"));
        assertTrue(h.get("dead-letter-reason").contains("adapter_digest"), h.toString());
      }
      assertEquals(Topics.ADAPTER_TRAINED, h.get("dead-letter-topic"));
    }

    await()
        .atMost(WAIT)
        .until(
            () ->
                TestKafka.committedOffset("cura-registry", Topics.ADAPTER_TRAINED, last.partition())
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
                  row.eventType = "dev.cura.AdapterTrained.v1";
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

  /** Rows of the registry's inbox for a job, read with plain JDBC (not through Hibernate). */
  private static int countRows(String jobId) throws SQLException {
    var pg = EmbeddedPostgresServer.connection();
    var props = new Properties();
    props.put("user", pg.user());
    props.put("password", pg.password());
    try (var conn = new org.postgresql.Driver().connect("jdbc:" + pg.reactiveUrl(), props);
        var st =
            conn.prepareStatement("select count(*) from reg_processed_event where job_id = ?")) {
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
