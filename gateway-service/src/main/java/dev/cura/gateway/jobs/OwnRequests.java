package dev.cura.gateway.jobs;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The projection of the gateway's own {@code FineTuneRequested} when it comes back from Kafka, in
 * one SQL statement instead of an entity session (one per submission, so the most frequent event by
 * far): it records the event in the inbox, moves the job to {@code quantizing} when its status
 * allows ({@link JobStatus#canMoveTo}) and adds the log entry — exactly what {@link
 * JobProjection#apply} does for it, atomically. It applies only to a job the API wrote (a claimed
 * row); for anything else it does nothing and says so, and the general path runs.
 */
@ApplicationScoped
class OwnRequests {
  /** The statuses a request may move on from, from {@link JobStatus#canMoveTo}. */
  static final String MOVABLE =
      Arrays.stream(JobStatus.values())
          .filter(s -> s.canMoveTo(JobStatus.QUANTIZING))
          .map(s -> "'" + s.json() + "'")
          .collect(Collectors.joining(", "));

  static final String PROJECT =
      "WITH known AS (SELECT id FROM gw_job WHERE id = $3 AND tenant <> '"
          + JobProjection.UNCLAIMED
          + "'),"
          + " p AS (INSERT INTO gw_processed_event (event_id, event_type, job_id, processed_at)"
          + " SELECT $1, $2, id, $4 FROM known ON CONFLICT DO NOTHING RETURNING job_id),"
          + " j AS (UPDATE gw_job SET status = '"
          + JobStatus.QUANTIZING.json()
          + "', updated_at = $5 WHERE id IN (SELECT job_id FROM p) AND tenant = $6"
          + " AND status IN ("
          + MOVABLE
          + ") RETURNING id),"
          + " e AS (INSERT INTO gw_job_event (job_id, created_at, level, kind, message)"
          + " SELECT id, $5, 'info', 'message', $7 FROM j)"
          + " SELECT count(*) AS known FROM known";

  private final Pool pool;

  OwnRequests(Pool pool) {
    this.pool = pool;
  }

  /**
   * Projects the request when its job is one the API wrote.
   *
   * @return true when done (now, or already before: a redelivery), false when the general path must
   *     handle it
   */
  Uni<Boolean> project(EventEnvelope<CuraEvent> event, FineTuneRequested request) {
    Instant at =
        (event.time() != null ? event.time() : Instant.now()).truncatedTo(ChronoUnit.MICROS);
    return pool.preparedQuery(PROJECT)
        .execute(
            Tuple.from(
                java.util.List.of(
                    event.id(),
                    event.type().ceType(),
                    request.jobId(),
                    Instant.now().atOffset(ZoneOffset.UTC),
                    at.atOffset(ZoneOffset.UTC),
                    request.tenant(),
                    JobProjection.queuedForQuantizer(request))))
        .map(rows -> rows.iterator().next().getLong("known") > 0);
  }
}
