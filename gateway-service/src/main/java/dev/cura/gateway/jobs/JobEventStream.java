package dev.cura.gateway.jobs;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live event stream of one job: polls the job's event log every {@value #POLL_MS} ms for
 * entries after a cursor and ends once the job is finished and every entry was delivered — or
 * earlier, after {@link StreamLimits}' idle timeout or maximum lifetime. Polling PostgreSQL (not an
 * in-memory bus) lets any gateway instance serve any job, whichever instance projected its events.
 */
@ApplicationScoped
public class JobEventStream {
  static final long POLL_MS = 300;

  private final Pool pool;

  JobEventStream(Pool pool) {
    this.pool = pool;
  }

  private record Batch(boolean finished, List<JobEventView> events) {}

  /** One item of a stream: an event, or (event null) a keep-alive while nothing happens. */
  public record Item(JobEventView event) {}

  /**
   * @param jobId a job the caller owns (checked by the caller)
   * @param afterSeq deliver entries with a larger seq (0 for all, or the client's Last-Event-ID)
   * @param limits when the stream ends early (idle, lifetime) and how often it keeps alive
   */
  public Multi<Item> stream(String jobId, long afterSeq, StreamLimits limits) {
    var cursor = new AtomicLong(afterSeq);
    long start = System.nanoTime();
    long idleNs = limits.idleTimeout().toNanos();
    long lifetimeNs = limits.maxLifetime().toNanos();
    long keepaliveNs = limits.keepalive().toNanos();
    long[] lastEvent = {start};
    long[] lastSent = {start};
    return Multi.createBy()
        .repeating()
        .uni(() -> fetch(jobId, cursor))
        .withDelay(Duration.ofMillis(POLL_MS))
        .whilst(
            b -> {
              long now = System.nanoTime();
              if (!b.events.isEmpty()) {
                lastEvent[0] = now;
              }
              boolean done = b.finished && b.events.isEmpty();
              return !done && now - lastEvent[0] < idleNs && now - start < lifetimeNs;
            })
        .onItem()
        .transformToIterable(
            b -> {
              long now = System.nanoTime();
              if (!b.events.isEmpty()) {
                lastSent[0] = now;
                return b.events.stream().map(Item::new).toList();
              }
              if (now - lastSent[0] >= keepaliveNs) {
                lastSent[0] = now;
                return List.of(new Item(null));
              }
              return List.of();
            });
  }

  private Uni<Batch> fetch(String jobId, AtomicLong cursor) {
    // read the status first: if it was terminal then, every entry was written before this read
    return pool.preparedQuery("SELECT status FROM gw_job WHERE id = $1")
        .execute(Tuple.of(jobId))
        .flatMap(
            statusRows -> {
              boolean finished =
                  statusRows.size() == 0
                      || JobStatus.fromJson(statusRows.iterator().next().getString("status"))
                          .terminal();
              return pool.preparedQuery(
                      "SELECT seq, CAST(EXTRACT(EPOCH FROM created_at) AS BIGINT) AS ts, level,"
                          + " kind, message, data FROM gw_job_event WHERE job_id = $1 AND seq > $2"
                          + " ORDER BY seq LIMIT 500")
                  .execute(Tuple.of(jobId, cursor.get()))
                  .map(
                      rows -> {
                        var out = new ArrayList<JobEventView>(rows.size());
                        for (Row r : rows) {
                          long seq = r.getLong("seq");
                          cursor.set(seq);
                          out.add(
                              new JobEventView(
                                  "fine_tuning.job.event",
                                  JobEventView.id(seq),
                                  r.getLong("ts"),
                                  r.getString("level"),
                                  r.getString("message"),
                                  r.getString("kind"),
                                  r.getString("data")));
                        }
                        // a full page means more may follow even for a finished job
                        return new Batch(finished && rows.size() < 500, out);
                      });
            });
  }
}
