package dev.cura.gateway.jobs;

import dev.cura.gateway.outbox.OutboxRecord;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.reflect.Array;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit of job submissions: new jobs (each its row, its outbox record and its first log
 * entry) are written by one SQL statement per batch, and submissions that arrive while up to
 * {@value #MAX_IN_FLIGHT} batches are being committed wait and go together in the next, up to
 * {@value #MAX_BATCH}. A lone submission goes at once (no timer, no added latency); under load one
 * durable commit carries many jobs, so PostgreSQL's flush to disk is paid once per batch, not per
 * job. A submission is answered only after its batch committed.
 *
 * <p>A batch is one statement, so it commits whole or not at all; when it fails, each of its jobs
 * is written again on its own, so a job that cannot be written fails alone.
 */
@ApplicationScoped
public class JobWriter {
  static final int MAX_BATCH = 256;
  static final int MAX_IN_FLIGHT = 4;

  /** The element types of the statement's array parameters, in {@link #COLUMNS}' order. */
  private static final Class<?>[] TYPES = {
    String.class, String.class, String.class, String.class, String.class, String.class,
    String.class, String.class, String.class, String.class, Long.class, String.class,
    String.class, OffsetDateTime.class, String.class, String.class, String.class, Buffer.class,
    OffsetDateTime.class, String.class
  };

  /**
   * One row's columns: the job's 14, the outbox record's 5 ({@link OutboxRecord#params}) and the
   * log entry's message.
   */
  static final String COLUMNS =
      "id, tenant, status, model, training_file, validation_file, hyperparameters, quantization,"
          + " optimizer, suffix, seed, adapter_name, source, at, topic, record_key, headers,"
          + " payload, outbox_at, message";

  static final String INSERT_JOBS =
      "WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
          + " $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int8[],"
          + " $12::text[], $13::text[], $14::timestamptz[], $15::text[], $16::text[], $17::text[],"
          + " $18::bytea[], $19::timestamptz[], $20::text[]) WITH ORDINALITY AS v("
          + COLUMNS
          + ", n)),"
          + " j AS (INSERT INTO gw_job (id, tenant, status, model, training_file, validation_file,"
          + " hyperparameters, quantization, optimizer, suffix, seed, adapter_name, source,"
          + " created_at, updated_at) SELECT id, tenant, status, model, training_file,"
          + " validation_file, hyperparameters, quantization, optimizer, suffix, seed, adapter_name,"
          + " source, at, at FROM v ORDER BY n RETURNING id),"
          + " o AS ("
          + OutboxRecord.insertFor(
              "j JOIN v USING (id) ORDER BY v.n",
              "v.topic",
              "v.record_key",
              "v.headers",
              "v.payload",
              "v.outbox_at")
          + ")"
          + " INSERT INTO gw_job_event (job_id, created_at, level, kind, message)"
          + " SELECT id, at, 'info', 'message', message FROM v ORDER BY n";

  private record Pending(List<Object> row, UniEmitter<? super Void> done) {}

  private final Pool pool;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  JobWriter(Pool pool) {
    this.pool = pool;
  }

  /**
   * Writes one new job; completes once it is committed.
   *
   * @param row the values of {@link #COLUMNS}, in that order
   */
  public Uni<Void> insert(List<Object> row) {
    if (row.size() != TYPES.length) {
      throw new IllegalArgumentException(
          "a job row has " + TYPES.length + " values, got " + row.size());
    }
    return Uni.createFrom()
        .emitter(
            e -> {
              queue.add(new Pending(row, e));
              flush();
            });
  }

  /** Starts batches while there is work and fewer than {@value #MAX_IN_FLIGHT} are running. */
  private void flush() {
    while (!queue.isEmpty()) {
      int n = inFlight.get();
      if (n >= MAX_IN_FLIGHT) {
        return; // a running batch calls flush() again when it ends
      }
      if (!inFlight.compareAndSet(n, n + 1)) {
        continue;
      }
      var batch = new ArrayList<Pending>();
      for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) {
        batch.add(p);
      }
      if (batch.isEmpty()) {
        inFlight.decrementAndGet();
        continue;
      }
      write(batch)
          .subscribe()
          .with(
              ok -> {
                batch.forEach(p -> p.done().complete(null));
                ended();
              },
              failure -> {
                if (batch.size() == 1) {
                  batch.get(0).done().fail(failure);
                } else {
                  for (Pending p : batch) {
                    write(List.of(p))
                        .subscribe()
                        .with(x -> p.done().complete(null), f -> p.done().fail(f));
                  }
                }
                ended();
              });
    }
  }

  private void ended() {
    inFlight.decrementAndGet();
    flush();
  }

  private Uni<?> write(List<Pending> batch) {
    var columns = new Object[TYPES.length];
    for (int c = 0; c < TYPES.length; c++) {
      Object array = Array.newInstance(TYPES[c], batch.size());
      for (int r = 0; r < batch.size(); r++) {
        Array.set(array, r, batch.get(r).row().get(c));
      }
      columns[c] = array;
    }
    return pool.preparedQuery(INSERT_JOBS).execute(Tuple.wrap(columns));
  }
}
