package dev.cura.gateway.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.CancelRequested;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.Topics;
import dev.cura.gateway.JobRows;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import dev.cura.testinfra.TestKafka;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The outbox relay against the real PostgreSQL and broker: a row that can never be sent is set
 * aside, and the commit that deletes the rows sent moves their jobs on ({@link OnSent}).
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class OutboxRelayTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Inject Pool pool;
  @Inject OutboxRelay relay;

  @Test
  void aRowThatCanNeverBeSentIsSetAsideAndTheRowsBehindItAreSent() {
    String job = "ftjob-outbox-" + UUID.randomUUID();
    EncodedEvent good =
        new EventCodec()
            .encode(EventEnvelope.create("/cura/gateway", new CancelRequested(job, "outbox test")));
    OffsetDateTime now = OffsetDateTime.now();
    // first in line: headers that are not JSON (a row no relay can turn back into a record)
    List<Object> bad = new ArrayList<>(OutboxRecord.params(good, now));
    bad.set(1, job + "-bad");
    bad.set(2, "{not json");
    insert(bad);
    insert(OutboxRecord.params(good, now));
    relay.kick();

    var sent = TestKafka.await(good.topic(), r -> job.equals(r.key()), 1, WAIT);
    assertEquals(good.headers().get("ce_id"), TestKafka.headers(sent.get(0)).get("ce_id"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                pool.preparedQuery("SELECT failed_at, error FROM gw_outbox WHERE record_key = $1")
                        .execute(Tuple.of(job + "-bad"))
                        .await()
                        .atMost(WAIT)
                        .iterator()
                        .next()
                        .getValue("failed_at")
                    != null);
    Row row =
        pool.preparedQuery("SELECT error FROM gw_outbox WHERE record_key = $1")
            .execute(Tuple.of(job + "-bad"))
            .await()
            .atMost(WAIT)
            .iterator()
            .next();
    assertTrue(row.getString("error").contains("cannot be read"), row.getString("error"));
  }

  /**
   * A request the job projection cannot read (its value is not JSON, so it is dead-lettered when it
   * comes back) still moves its job from queued to quantizing, with its one log entry at the
   * request's time: the relay does it when it deletes the row sent. A job cancelled meanwhile stays
   * cancelled, without that entry.
   */
  @Test
  void theCommitOfASentRequestMovesItsJobToQuantizingAndLeavesACancelledJobAlone() {
    String job = "ftjob-relay-" + UUID.randomUUID();
    String cancelled = "ftjob-relay-cancelled-" + UUID.randomUUID();
    OffsetDateTime at = OffsetDateTime.parse("2026-12-06T10:15:30.123456Z");
    JobRows.insert(pool, job, "queued", at);
    JobRows.insert(pool, cancelled, "cancelled", at);
    EncodedEvent unreadable = request(job);
    List<Object> row = new ArrayList<>(OutboxRecord.params(unreadable, at));
    row.set(3, io.vertx.core.buffer.Buffer.buffer("{oops"));
    insert(row);
    insert(OutboxRecord.params(request(cancelled), at));
    relay.kick();

    TestKafka.await(Topics.dlq("gateway"), r -> job.equals(r.key()), 1, WAIT);
    await()
        .atMost(WAIT)
        .until(
            () ->
                single(
                        "SELECT count(*) FROM gw_outbox WHERE record_key IN" + " ($1, $2)",
                        job,
                        cancelled)
                    == 0);
    Row moved = row("SELECT status, updated_at FROM gw_job WHERE id = $1", job);
    assertEquals("quantizing", moved.getString("status"));
    assertEquals(at.toInstant(), moved.getOffsetDateTime("updated_at").toInstant());
    Row entry =
        row(
            "SELECT count(*) AS n, min(message) AS m, min(created_at) AS t FROM gw_job_event"
                + " WHERE job_id = $1",
            job);
    assertEquals(1L, entry.getLong("n"));
    assertEquals("Job is queued for the quantizer (base cura-tiny)", entry.getString("m"));
    assertEquals(at.toInstant(), entry.getOffsetDateTime("t").toInstant());
    assertEquals(
        "cancelled", row("SELECT status FROM gw_job WHERE id = $1", cancelled).getString("status"));
    assertEquals(
        0L,
        row("SELECT count(*) AS n FROM gw_job_event WHERE job_id = $1", cancelled).getLong("n"));
  }

  private static EncodedEvent request(String job) {
    return new EventCodec()
        .encode(EventEnvelope.create("/cura/gateway", SampleEvents.fineTuneRequested(job)));
  }

  private Row row(String sql, String param) {
    return pool.preparedQuery(sql).execute(Tuple.of(param)).await().atMost(WAIT).iterator().next();
  }

  private long single(String sql, String a, String b) {
    return pool.preparedQuery(sql)
        .execute(Tuple.of(a, b))
        .await()
        .atMost(WAIT)
        .iterator()
        .next()
        .getLong(0);
  }

  private void insert(List<Object> params) {
    pool.preparedQuery(
            "INSERT INTO gw_outbox (topic, record_key, headers, payload, created_at)"
                + " VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.from(params))
        .await()
        .atMost(WAIT);
  }
}
