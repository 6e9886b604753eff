package dev.cura.gateway.jobs;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The projection's hot path in one SQL statement: the gateway's own {@code FineTuneRequested}
 * coming back from Kafka for a job it created. It records the event id in the inbox, moves the job
 * from {@code queued} (or {@code validating_files}) to {@code quantizing} and logs it — exactly
 * what {@link JobProjector} does for this event, with one round trip instead of six. Every other
 * case (an unknown job, another tenant, a job already further along) reports {@code false}, and the
 * caller runs the general Hibernate Reactive path, which the inbox row (only written here when the
 * job exists for that tenant) does not hide.
 */
@ApplicationScoped
public class RequestedFastPath {
  static final String SQL =
      "WITH job AS (SELECT id FROM gw_job WHERE id = $1 AND tenant = $2),"
          + " p AS (INSERT INTO gw_processed_event (event_id, event_type, job_id, processed_at)"
          + " SELECT $3, $4, $1, $5 FROM job ON CONFLICT (event_id) DO NOTHING RETURNING event_id),"
          + " u AS (UPDATE gw_job SET status = 'quantizing', updated_at = $5 WHERE id = $1"
          + " AND status IN ('validating_files', 'queued') AND EXISTS (SELECT 1 FROM p)"
          + " RETURNING id),"
          + " e AS (INSERT INTO gw_job_event (job_id, created_at, level, kind, message)"
          + " SELECT id, $5, 'info', 'message', $6 FROM u)"
          + " SELECT (SELECT count(*) FROM job) AS known, (SELECT count(*) FROM p) AS fresh,"
          + " (SELECT count(*) FROM u) AS moved";

  private final Pool pool;

  RequestedFastPath(Pool pool) {
    this.pool = pool;
  }

  /**
   * @return true when the event is fully handled (projected now, or a duplicate of a handled one
   *     for a known job whose status needs no change)
   */
  public Uni<Boolean> tryApply(EventEnvelope<CuraEvent> event) {
    if (!(event.data() instanceof FineTuneRequested r)) {
      return Uni.createFrom().item(false);
    }
    Instant at = event.time() != null ? event.time() : Instant.now();
    Tuple args =
        Tuple.tuple(
            java.util.List.of(
                r.jobId(),
                r.tenant(),
                event.id(),
                event.type().ceType(),
                at.atOffset(ZoneOffset.UTC),
                "Job is queued for the quantizer (base " + r.baseModel().uri() + ")"));
    return pool.preparedQuery(SQL)
        .execute(args)
        .map(
            rows -> {
              Row row = rows.iterator().next();
              // for a known job of this tenant the event is handled: a fresh one moved the job
              // (or found it further along, where the projector would not move it either), a
              // seen one is a duplicate
              return row.getLong("known") > 0;
            });
  }
}
