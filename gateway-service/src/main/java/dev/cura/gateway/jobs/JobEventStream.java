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
 * entries after a cursor and ends once the job is finished and every entry was delivered. Polling
 * PostgreSQL (not an in-memory bus) lets any gateway instance serve any job, whichever instance
 * projected its events.
 */
@ApplicationScoped
public class JobEventStream {
  static final long POLL_MS = 300;

  private final Pool pool;

  JobEventStream(Pool pool) {
    this.pool = pool;
  }

  private record Batch(boolean finished, List<JobEventView> events) {}

  /**
   * @param jobId a job the caller owns (checked by the caller)
   * @param afterSeq deliver entries with a larger seq (0 for all, or the client's Last-Event-ID)
   */
  public Multi<JobEventView> stream(String jobId, long afterSeq) {
    var cursor = new AtomicLong(afterSeq);
    return Multi.createBy()
        .repeating()
        .uni(() -> fetch(jobId, cursor))
        .withDelay(Duration.ofMillis(POLL_MS))
        .whilst(b -> !(b.finished && b.events.isEmpty()))
        .onItem()
        .transformToIterable(Batch::events);
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
