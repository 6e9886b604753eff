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
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Sends the outbox to Kafka: takes up to {@value #BATCH} rows in a transaction ({@code FOR UPDATE
 * SKIP LOCKED}, so several gateway instances share the work), sends them (idempotent producer,
 * acks=all), waits for every acknowledgement and deletes the rows in that same transaction.
 *
 * <p>A crash before the commit leaves the rows in place and they are sent again, with the same
 * event ids, after the restart: nothing is lost, and a duplicate is recognised by its id (and by
 * job state) downstream. A row is deleted only after the broker acknowledged it.
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
  private final EventPublisher publisher;
  private final Vertx vertx;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private final AtomicLong sent;
  private long timer = -1;

  OutboxRelay(Pool pool, EventPublisher publisher, Vertx vertx, MeterRegistry meters) {
    this.pool = pool;
    this.publisher = publisher;
    this.vertx = vertx;
    this.sent = meters.gauge("cura.outbox.sent", new AtomicLong());
    meters.gauge("cura.outbox.running", running, b -> b.get() ? 1 : 0);
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

  private Uni<Integer> drainBatch() {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "SELECT seq, topic, record_key, headers, payload FROM gw_outbox"
                        + " ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(BATCH))
                .flatMap(
                    rows -> {
                      if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                      }
                      var seqs = new ArrayList<Long>(rows.size());
                      var sends = new ArrayList<Uni<Void>>(rows.size());
                      for (Row row : rows) {
                        seqs.add(row.getLong("seq"));
                        sends.add(publisher.send(toEvent(row)));
                      }
                      return Uni.join()
                          .all(sends)
                          .andFailFast()
                          .flatMap(
                              ok ->
                                  conn.preparedQuery("DELETE FROM gw_outbox WHERE seq = ANY($1)")
                                      .execute(Tuple.of(seqs.toArray(Long[]::new))))
                          .map(
                              deleted -> {
                                sent.addAndGet(seqs.size());
                                return seqs.size();
                              });
                    }));
  }

  private static EncodedEvent toEvent(Row row) {
    Map<String, String> headers;
    try {
      headers = JSON.readValue(row.getString("headers"), HEADERS);
    } catch (Exception e) {
      throw new IllegalStateException("outbox row " + row.getLong("seq") + " has bad headers", e);
    }
    byte[] payload = row.getBuffer("payload").getBytes();
    return new EncodedEvent(row.getString("topic"), row.getString("record_key"), headers, payload);
  }

  /** Rows waiting to be sent (for metrics and tests). */
  public Uni<Long> pending() {
    return pool.query("SELECT count(*) AS n FROM gw_outbox")
        .execute()
        .map(rows -> rows.iterator().next().getLong("n"));
  }
}
