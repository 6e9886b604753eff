package dev.cura.gateway.outbox;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.events.EncodedEvent;
import dev.cura.gateway.messaging.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Sends the outbox to Kafka: takes up to {@value #BATCH} rows in a transaction ({@code FOR UPDATE
 * SKIP LOCKED}, so several gateway instances share the work), sends them (idempotent producer,
 * acks=all), waits for every acknowledgement and deletes the rows in that same transaction, in one
 * statement with what follows from the events being on the bus ({@link OnSent}: the jobs whose
 * request was sent move to {@code quantizing}).
 *
 * <p>A crash before the commit leaves the rows in place and they are sent again, with the same
 * event ids, after the restart: nothing is lost, and a duplicate is recognised by its id (and by
 * job state) downstream. A row is deleted only after the broker acknowledged it.
 *
 * <p>A row that can never be sent (unreadable, or refused by the broker as too large or for a bad
 * topic) is set aside ({@code failed_at}, {@code error}, {@code cura_outbox_failed_total}) instead
 * of being retried forever in front of the rows behind it.
 *
 * <p>Runs when {@link #kick()}ed after a commit and every second as a safety net; one drain at a
 * time per instance, looping while full batches come back.
 */
@ApplicationScoped
public class OutboxRelay {
  static final int BATCH = 500;
  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

  private final Pool pool;

  /** Deletes the rows sent (parameter: their seqs) and does {@link OnSent}'s part. */
  private final String deleteSent;

  private final EventPublisher publisher;
  private final Vertx vertx;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private final AtomicLong sent;
  private final io.micrometer.core.instrument.Counter failed;
  private long timer = -1;

  OutboxRelay(
      Pool pool, EventPublisher publisher, Vertx vertx, MeterRegistry meters, OnSent onSent) {
    this.pool = pool;
    this.deleteSent =
        "WITH sent AS (DELETE FROM gw_outbox WHERE seq = ANY($1)"
            + " RETURNING topic, record_key, created_at), "
            + onSent.sql();
    this.publisher = publisher;
    this.vertx = vertx;
    this.sent = meters.gauge("cura.outbox.sent", new AtomicLong());
    meters.gauge("cura.outbox.running", running, b -> b.get() ? 1 : 0);
    this.failed = meters.counter("cura.outbox.failed");
  }

  void onStart(@Observes StartupEvent ev) {
    timer = vertx.setPeriodic(1000, id -> kick());
  }

  void onStop(@Observes ShutdownEvent ev) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Total events this instance sent (for tests and the benchmark). */
  public long sentCount() {
    return sent.get();
  }

  /** Asks for a drain soon; cheap, call it after every commit that wrote to the outbox. */
  public void kick() {
    if (!running.compareAndSet(false, true)) {
      again.set(true);
      return;
    }
    drain()
        .subscribe()
        .with(
            n -> finish(),
            t -> {
              LOG.warnf("outbox relay: %s; retrying", t.toString());
              running.set(false);
            });
  }

  private void finish() {
    running.set(false);
    if (again.getAndSet(false)) {
      kick();
    }
  }

  /** Sends batches until one comes back short; completes with the number sent. */
  Uni<Integer> drain() {
    return drainBatch()
        .flatMap(n -> n == BATCH ? drain().map(m -> n + m) : Uni.createFrom().item(n));
  }

  /** A row's fate in one batch. */
  private record Sent(long seq, Throwable failure) {}

  private Uni<Integer> drainBatch() {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "SELECT seq, topic, record_key, headers, payload FROM gw_outbox"
                        + " WHERE failed_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(BATCH))
                .flatMap(
                    rows -> {
                      if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                      }
                      var sends = new ArrayList<Uni<Sent>>(rows.size());
                      for (Row row : rows) {
                        long seq = row.getLong("seq");
                        sends.add(
                            Uni.createFrom()
                                .deferred(() -> publisher.send(toEvent(row)))
                                .map(ok -> new Sent(seq, null))
                                .onFailure()
                                .recoverWithItem(t -> new Sent(seq, t)));
                      }
                      return Uni.join()
                          .all(sends)
                          .andFailFast()
                          .flatMap(outcomes -> settle(conn, outcomes, rows.size()));
                    }));
  }

  /**
   * Deletes the rows the broker acknowledged and sets aside ({@code failed_at}, {@code error}) the
   * ones that can never be sent, so that one bad row does not block the rows behind it; rows that
   * failed for a passing reason (the broker away) stay for the next drain.
   *
   * @return the batch size when every row was settled (more may wait), else what was sent
   */
  private Uni<Integer> settle(
      io.vertx.mutiny.sqlclient.SqlConnection conn, List<Sent> outcomes, int batch) {
    var sent = new ArrayList<Long>();
    var dead = new ArrayList<Sent>();
    boolean passing = false;
    for (Sent s : outcomes) {
      if (s.failure() == null) {
        sent.add(s.seq());
      } else if (isPermanent(s.failure())) {
        dead.add(s);
      } else {
        passing = true;
        LOG.warnf("outbox row %d not sent yet: %s", s.seq(), s.failure().toString());
      }
    }
    Uni<?> chain =
        sent.isEmpty()
            ? Uni.createFrom().voidItem()
            : conn.preparedQuery(deleteSent).execute(Tuple.of(sent.toArray(Long[]::new)));
    for (Sent d : dead) {
      LOG.errorf(
          "outbox row %d can never be sent, set aside (failed_at): %s", d.seq(), d.failure());
      failed.increment();
      String why = String.valueOf(d.failure().getMessage());
      chain =
          chain.flatMap(
              x ->
                  conn.preparedQuery(
                          "UPDATE gw_outbox SET failed_at = now(), error = $2 WHERE seq = $1")
                      .execute(
                          Tuple.of(d.seq(), why.length() > 2000 ? why.substring(0, 2000) : why)));
    }
    boolean settledAll = !passing;
    return chain.map(
        x -> {
          this.sent.addAndGet(sent.size());
          return settledAll ? batch : sent.size();
        });
  }

  /**
   * A row that no retry can send: it cannot be read back, its topic is not one the gateway
   * publishes to, or the broker refuses it as such.
   */
  static boolean isPermanent(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof BadRow
          // the publisher refuses the row's topic: not one this service may write to
          || c instanceof IllegalArgumentException
          || c instanceof org.apache.kafka.common.errors.RecordTooLargeException
          || c instanceof org.apache.kafka.common.errors.InvalidTopicException
          || c instanceof org.apache.kafka.common.errors.SerializationException) {
        return true;
      }
    }
    return false;
  }

  /** An outbox row that cannot be turned back into a record. */
  static final class BadRow extends RuntimeException {
    BadRow(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static EncodedEvent toEvent(Row row) {
    try {
      Map<String, String> headers = JSON.readValue(row.getString("headers"), HEADERS);
      byte[] payload = row.getBuffer("payload").getBytes();
      return new EncodedEvent(
          row.getString("topic"), row.getString("record_key"), headers, payload);
    } catch (Exception e) {
      throw new BadRow("outbox row " + row.getLong("seq") + " cannot be read: " + e, e);
    }
  }

  /** Rows waiting to be sent (for metrics and tests). */
  public Uni<Long> pending() {
    return pool.query("SELECT count(*) AS n FROM gw_outbox WHERE failed_at IS NULL")
        .execute()
        .map(rows -> rows.iterator().next().getLong("n"));
  }
}
