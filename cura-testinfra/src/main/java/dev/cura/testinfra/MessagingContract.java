package dev.cura.testinfra;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.Topics;
import dev.cura.messaging.ServicePublisher;
import jakarta.enterprise.inject.spi.CDI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * What every service's Kafka wiring must do, against the real (in-JVM) broker; each service's
 * {@code *MessagingTest} extends it and names the service and an event it publishes and one it
 * consumes.
 *
 * <ul>
 *   <li>An event it publishes is keyed by its job and carries the CloudEvents headers ({@code
 *       ce_type dev.cura.<Type>.v1}, {@code ce_source /cura/<service>}, …) and decodes back to the
 *       event.
 *   <li>Malformed JSON and one more kind of bad record ({@link #secondPoison}, by default an
 *       unknown event type) on a topic it consumes go to {@code cura.dlq.<service>} with their
 *       error code, reason and original headers, and the good record behind them is handled: the
 *       group {@code cura-<service>} commits past it, {@code cura_events_consumed_total} counts it
 *       and the bad ones, {@code cura_events_dlq_total{service}} counts the bad ones, and {@link
 *       #assertGoodRecordHandled} holds.
 *   <li>Health, OpenAPI and metrics (JVM and Kafka consumer) are served.
 * </ul>
 */
public abstract class MessagingContract {
  protected static final Duration WAIT = Duration.ofSeconds(60);
  protected final EventCodec codec = new EventCodec();
  private final String service;
  private final Function<String, CuraEvent> published;
  private final Function<String, CuraEvent> consumed;

  /** A bad record besides malformed JSON, by the key prefix it is sent with. */
  protected record Poison(
      String keyPrefix, Map<String, String> headers, byte[] value, String code, String field) {}

  /**
   * @param service the service's name: {@code gateway}, {@code registry}, {@code quantizer} or
   *     {@code trainer}
   * @param published an event the service publishes, keyed by the given job
   * @param consumed a valid event the service consumes, keyed by the given job
   */
  protected MessagingContract(
      String service, Function<String, CuraEvent> published, Function<String, CuraEvent> consumed) {
    this.service = service;
    this.published = published;
    this.consumed = consumed;
  }

  /** A valid event the service consumes, keyed by {@code job}. */
  protected final CuraEvent consumed(String job) {
    return consumed.apply(job);
  }

  /**
   * Publishes {@code event} with the service's own publisher (its one {@link ServicePublisher}
   * bean) and waits for it to be sent.
   */
  private static void publish(CuraEvent event) {
    CDI.current().select(ServicePublisher.class).get().publish(event).await().atMost(WAIT);
  }

  /** The second bad record, made from the good one: by default under an unknown event type. */
  protected Poison secondPoison(EncodedEvent good) {
    return unknownType(good);
  }

  /**
   * Sends the good record; a service with an inbox overrides this to deliver it twice.
   *
   * @return the last record sent
   */
  protected RecordMetadata sendGood(EncodedEvent good) {
    return TestKafka.send(good);
  }

  /** What else shows, once the group has committed past it, that the good record was handled. */
  protected void assertGoodRecordHandled(String key) throws Exception {}

  /** The good record without one required field: {@code missing_field} naming it. */
  protected static Poison missingField(EncodedEvent good, String field, String valueRegex) {
    String value = good.valueAsString().replaceFirst("\"" + field + "\":" + valueRegex + ",", "");
    return new Poison("missing-", good.headers(), bytes(value), "missing_field", field);
  }

  /** The good record's JSON under an event type nobody knows: {@code unknown_type}. */
  protected static Poison unknownType(EncodedEvent good) {
    var headers = new HashMap<>(good.headers());
    headers.put("ce_type", "dev.cura.Teleported.v1");
    return new Poison("unknown-", headers, good.value(), "unknown_type", null);
  }

  @Test
  void publishedEventCarriesJobKeyAndCloudEventsHeaders() {
    String job = "ftjob-" + UUID.randomUUID();
    CuraEvent event = published.apply(job);
    String topic = codec.encode(EventEnvelope.create("/test", event)).topic();
    publish(event);

    var record = TestKafka.await(topic, r -> job.equals(r.key()), 1, WAIT).get(0);
    var headers = TestKafka.headers(record);
    String type = event.getClass().getSimpleName();
    assertEquals("dev.cura." + type + ".v1", headers.get("ce_type"));
    assertEquals("/cura/" + service, headers.get("ce_source"));
    assertEquals(job, headers.get("ce_subject"));
    assertEquals("1.0", headers.get("ce_specversion"));
    assertEquals("urn:cura:event:" + type + ":v1", headers.get("ce_dataschema"));
    assertEquals("application/json", headers.get("content-type"));
    assertEquals(event, codec.decode(headers, record.value()).data());
  }

  @Test
  void invalidRecordsGoToTheDeadLetterTopicAndTheNextGoodRecordIsProcessed() throws Exception {
    String id = UUID.randomUUID().toString();
    EncodedEvent good = codec.encode(EventEnvelope.create("/test", consumed("good-" + id)));
    Poison second = secondPoison(good);
    // valid headers, broken JSON
    TestKafka.send(good.topic(), "bad-" + id, good.headers(), bytes("{\"job_id\":"));
    TestKafka.send(good.topic(), second.keyPrefix() + id, second.headers(), second.value());
    RecordMetadata last = sendGood(good);

    var dead =
        TestKafka.await(Topics.dlq(service), r -> r.key() != null && r.key().endsWith(id), 2, WAIT);
    assertEquals(
        Set.of("bad-" + id, second.keyPrefix() + id), Set.of(dead.get(0).key(), dead.get(1).key()));
    for (var r : dead) {
      var h = TestKafka.headers(r);
      boolean malformed = r.key().startsWith("bad-");
      assertEquals(malformed ? "malformed_json" : second.code(), h.get("cura-error-code"), r.key());
      assertEquals(good.topic(), h.get("dead-letter-topic"));
      String reason = h.get("dead-letter-reason");
      assertTrue(reason.length() > 10, reason);
      assertTrue(h.containsKey("ce_id"), "original headers are kept: " + h.keySet());
      if (!malformed && second.field() != null) {
        assertEquals(second.field(), h.get("cura-error-field"));
        assertTrue(reason.contains(second.field()), h.toString());
      }
    }

    // the consumer went on: it committed past the good record and counted it as handled
    TestKafka.awaitCommittedPast("cura-" + service, last, WAIT);
    String type = consumed(id).getClass().getSimpleName();
    String metrics =
        given()
            .get("/q/metrics")
            .then()
            .statusCode(200)
            .body(
                containsString("cura_events_consumed_total{outcome=\"ok\",type=\"" + type + "\"}"))
            .body(
                containsString(
                    "cura_events_consumed_total{outcome=\"dead_letter\",type=\"invalid\"}"))
            .extract()
            .asString();
    // both bad records are on the service's DLQ counter (the dashboards' and alerts' series)
    double dlq =
        MetricsCatalog.sample(metrics, "cura_events_dlq_total{service=\"" + service + "\"}");
    assertTrue(dlq >= 2, "cura_events_dlq_total " + dlq);
    assertGoodRecordHandled(good.key());
  }

  @Test
  void healthOpenApiAndMetricsAreServed() {
    given().get("/q/health/ready").then().statusCode(200).body(containsString("UP"));
    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/openapi").then().statusCode(200).body(containsString("openapi"));
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("jvm_memory"))
        .body(containsString("kafka_consumer"));
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
