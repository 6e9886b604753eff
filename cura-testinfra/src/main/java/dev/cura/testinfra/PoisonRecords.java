package dev.cura.testinfra;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Records no consumer can handle, one of each kind, built from a valid record of the consumer's
 * topic: each must land on the consumer's {@code cura.dlq.<service>} with the error code given
 * here, and the channel must go on. Every poison carries a {@value #MARK} header (kept on the dead
 * letter) to find it there.
 */
public final class PoisonRecords {
  /** Header that identifies a poison record and its kind on the dead-letter topic. */
  public static final String MARK = "cura-test-poison";

  /** One poison record and the {@code cura-error-code} it must be dead-lettered with. */
  public record Poison(
      String kind,
      String expectedCode,
      String topic,
      String key,
      Map<String, String> headers,
      byte[] value) {}

  private PoisonRecords() {}

  /**
   * @param valid a valid record of the event the consumer expects, on its topic
   * @param otherType a valid event of another type, or null when the consumer takes every type
   */
  public static List<Poison> of(EncodedEvent valid, EncodedEvent otherType) {
    String run = UUID.randomUUID().toString();
    String topic = valid.topic();
    var out = new ArrayList<Poison>();
    out.add(
        poison(run, "undecodable", "malformed_json", topic, valid.key(), valid.headers(), "{oops"));
    out.add(
        poison(run, "empty_value", "malformed_json", topic, valid.key(), valid.headers(), null));
    out.add(
        poison(
            run,
            "structured_garbage",
            "malformed_json",
            topic,
            valid.key(),
            Map.of("content-type", "application/cloudevents+json"),
            "{\"specversion\":\"1.0\",\"id\":"));
    out.add(
        poison(
            run,
            "key_mismatch",
            "key_mismatch",
            topic,
            "ftjob-someone-else",
            valid.headers(),
            valid.valueAsString()));
    var v9 = new LinkedHashMap<>(valid.headers());
    v9.put("ce_type", v9.get("ce_type").replaceFirst("\\.v\\d+$", ".v9"));
    v9.remove("ce_dataschema");
    out.add(
        poison(
            run,
            "unknown_version",
            "unsupported_version",
            topic,
            valid.key(),
            v9,
            valid.valueAsString()));
    out.add(
        poison(
            run,
            "not_a_cloudevent",
            "missing_header",
            topic,
            valid.key(),
            Map.of("content-type", "application/json"),
            valid.valueAsString()));
    String wrongField =
        valid.valueAsString().replaceFirst("\"job_id\":\"[^\"]*\"", "\"job_id\":42");
    out.add(
        poison(
            run,
            "wrong_field_type",
            "invalid_field",
            topic,
            valid.key(),
            valid.headers(),
            wrongField));
    if (otherType != null) {
      out.add(
          poison(
              run,
              "wrong_event_type",
              "unexpected_type",
              topic,
              otherType.key(),
              otherType.headers(),
              otherType.valueAsString()));
    }
    return out;
  }

  /**
   * The poisons of a consumer of two topics, one event type on each: each type is the other's wrong
   * type.
   */
  public static List<Poison> ofTwoTopics(CuraEvent first, CuraEvent second) {
    var out = new ArrayList<>(of(SampleEvents.upstream(first), SampleEvents.upstream(second)));
    out.addAll(of(SampleEvents.upstream(second), SampleEvents.upstream(first)));
    return out;
  }

  /**
   * Sends every poison, waits until {@code service} dead-lettered each with its error code, and
   * checks that its readiness stays UP throughout.
   */
  public static void deadLetterAll(String service, List<Poison> poisons, Duration wait) {
    given().get("/q/health/ready").then().statusCode(200);
    send(poisons);
    awaitDeadLettered(service, poisons, wait);
    given().get("/q/health/ready").then().statusCode(200);
  }

  /** Sends every poison record to its topic. */
  public static void send(List<Poison> poisons) {
    for (Poison p : poisons) {
      var headers = new LinkedHashMap<>(p.headers());
      headers.put(MARK, p.kind());
      TestKafka.send(p.topic(), p.key(), headers, p.value());
    }
  }

  /** Waits until every poison record is on {@code cura.dlq.<service>} and checks its error code. */
  public static void awaitDeadLettered(String service, List<Poison> poisons, Duration wait) {
    var marks = new LinkedHashMap<String, Poison>();
    poisons.forEach(p -> marks.put(p.kind(), p));
    var dead =
        TestKafka.await(
            "cura.dlq." + service,
            r -> marks.containsKey(TestKafka.headers(r).get(MARK)),
            poisons.size(),
            wait);
    for (var r : dead) {
      var h = TestKafka.headers(r);
      Poison p = marks.get(h.get(MARK));
      assertEquals(p.expectedCode(), h.get("cura-error-code"), () -> p.kind() + ": " + h);
      assertEquals(p.topic(), h.get("dead-letter-topic"), () -> p.kind() + ": " + h);
    }
  }

  private static Poison poison(
      String run,
      String kind,
      String code,
      String topic,
      String key,
      Map<String, String> headers,
      String value) {
    return new Poison(
        kind + "-" + run,
        code,
        topic,
        key,
        headers,
        value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }
}
