package dev.cura.gateway.jobs;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.Topics;
import dev.cura.gateway.outbox.OutboxRecord;
import dev.cura.testinfra.EmbeddedPostgresServer;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Group commit ({@link JobWriter}): many concurrent submissions are all written — job, outbox
 * record (so their event reaches Kafka) and first log entry — and one that cannot be written fails
 * alone instead of taking the others of its batch with it. Once their requests are on the bus the
 * jobs move on once ({@link OwnRequests}).
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class JobWriterTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final EventCodec codec = new EventCodec();

  @Inject JobWriter writer;

  @Test
  void concurrentSubmissionsAreAllWrittenAndABadOneFailsAlone() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    var ids = new ArrayList<String>();
    var rows = new ArrayList<List<Object>>();
    for (int i = 0; i < 3 * JobWriter.MAX_IN_FLIGHT + 40; i++) {
      String id = "ftjob-gc-" + run + "-" + i;
      ids.add(id);
      rows.add(row(id, "default"));
    }
    // a tenant longer than its column (64): PostgreSQL refuses this row, and only this row
    String badId = "ftjob-gc-" + run + "-bad";
    rows.add(rows.size() - 5, row(badId, "t".repeat(65)));

    var failed = new ConcurrentHashMap<String, Throwable>();
    var done = new CountDownLatch(rows.size());
    for (List<Object> r : rows) {
      String id = (String) r.get(0);
      Uni<Void> write = writer.insert(r);
      write
          .subscribe()
          .with(
              ok -> done.countDown(),
              t -> {
                failed.put(id, t);
                done.countDown();
              });
    }
    assertTrue(done.await(60, TimeUnit.SECONDS), "every submission answered");
    assertEquals(List.of(badId), List.copyOf(failed.keySet()), "only the bad row fails");
    assertTrue(failed.get(badId).getMessage().contains("too long"), failed.get(badId).getMessage());

    var onKafka =
        TestKafka.await(Topics.JOB_REQUESTED, r -> ids.contains(r.key()), ids.size(), WAIT);
    var keys = new HashSet<String>();
    onKafka.forEach(r -> keys.add(r.key()));
    assertEquals(new HashSet<>(ids), keys, "every written job's event reached Kafka");

    // the events are on the bus: every job moves to quantizing with one log entry (the relay's
    // commit, or OwnRequests when a request comes back first), and a redelivery changes nothing
    String sample = ids.get(0);
    await().atMost(WAIT).until(() -> count("status = 'quantizing'", run) == ids.size());
    var again = onKafka.stream().filter(r -> r.key().equals(sample)).findFirst().orElseThrow();
    var sent = TestKafka.send(again.topic(), again.key(), TestKafka.headers(again), again.value());
    await()
        .atMost(WAIT)
        .until(
            () ->
                TestKafka.committedOffset("cura-gateway", sent.topic(), sent.partition())
                    > sent.offset());
    assertEquals(ids.size(), queuedEntries(run), "one 'queued for the quantizer' entry per job");
  }

  private static long count(String where, String run) throws SQLException {
    return query("SELECT count(*) FROM gw_job WHERE id LIKE ? AND " + where, run);
  }

  private static long queuedEntries(String run) throws SQLException {
    return query(
        "SELECT count(*) FROM gw_job_event WHERE job_id LIKE ?"
            + " AND message LIKE 'Job is queued for the quantizer%'",
        run);
  }

  private static long query(String sql, String run) throws SQLException {
    var pg = EmbeddedPostgresServer.connection();
    var props = new Properties();
    props.put("user", pg.user());
    props.put("password", pg.password());
    try (var conn = new org.postgresql.Driver().connect("jdbc:" + pg.reactiveUrl(), props);
        var st = conn.prepareStatement(sql)) {
      st.setString(1, "ftjob-gc-" + run + "-%");
      try (var rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** A job row as {@link JobService} makes it (its {@link JobWriter#COLUMNS}). */
  private List<Object> row(String id, String tenant) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    var at = now.atOffset(ZoneOffset.UTC);
    var request = SampleEvents.fineTuneRequested(id);
    var encoded =
        codec.encode(new EventEnvelope<>(UUID.randomUUID().toString(), "/t", now, request));
    var values = new ArrayList<Object>();
    values.addAll(
        java.util.Arrays.asList(
            id, tenant, "queued", "tiny", "file-x", null, "{}", "{}", "adamw", null, 7L, "tiny-gc",
            "rest", at));
    values.addAll(OutboxRecord.params(encoded, at));
    values.add("Job created for base model tiny");
    return values;
  }
}
