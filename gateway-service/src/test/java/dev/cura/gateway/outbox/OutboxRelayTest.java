package dev.cura.gateway.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.events.CancelRequested;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.testinfra.KafkaPostgresTestResource;
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

/** The outbox relay against the real PostgreSQL and broker. */
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

  private void insert(List<Object> params) {
    pool.preparedQuery(
            "INSERT INTO gw_outbox (topic, record_key, headers, payload, created_at)"
                + " VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.from(params))
        .await()
        .atMost(WAIT);
  }
}
