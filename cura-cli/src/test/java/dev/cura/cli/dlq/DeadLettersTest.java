package dev.cura.cli.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.testinfra.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code ./cura dlq}'s reading and replaying against a real broker (cura-testinfra's). */
class DeadLettersTest {
  @Test
  void listsSinceAndReplaysToTheOriginalTopicWithoutTheDeadLetterHeaders() {
    String key = "ftjob-dlq-" + UUID.randomUUID();
    String origin = "dlq-test-origin-" + UUID.randomUUID();
    var headers = new LinkedHashMap<String, String>();
    headers.put("ce_id", "e-1");
    headers.put("ce_type", "dev.cura.CancelRequested.v1");
    headers.put("dead-letter-topic", origin);
    headers.put("dead-letter-reason", "payload is not valid JSON");
    headers.put("cura-error-code", "malformed_json");
    Instant before = Instant.now().minusSeconds(1);
    TestKafka.send("cura.dlq.registry", key, headers, "{oops".getBytes(StandardCharsets.UTF_8));

    var dlq = new DeadLetters(TestKafka.bootstrapServers(), "registry");
    List<DeadLetters.Letter> mine =
        dlq.list(before).stream().filter(l -> key.equals(l.key())).toList();
    assertEquals(1, mine.size());
    DeadLetters.Letter letter = mine.get(0);
    assertEquals(origin, letter.originalTopic());
    assertEquals("malformed_json", letter.code());
    assertEquals("payload is not valid JSON", letter.reason());
    assertTrue(
        dlq.list(Instant.now().plusSeconds(3600)).isEmpty(), "nothing written in the future");

    assertEquals(1, dlq.replay(mine).size());
    var replayed = TestKafka.await(origin, r -> key.equals(r.key()), 1, Duration.ofSeconds(30));
    var h = TestKafka.headers(replayed.get(0));
    assertEquals("e-1", h.get("ce_id"));
    assertEquals("dev.cura.CancelRequested.v1", h.get("ce_type"));
    assertFalse(h.containsKey("dead-letter-reason"), h.toString());
    assertFalse(h.containsKey("cura-error-code"), h.toString());
    assertEquals("{oops", TestKafka.value(replayed.get(0)));
  }
}
