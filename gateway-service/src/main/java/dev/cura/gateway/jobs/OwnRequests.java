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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The projection of the gateway's own {@code FineTuneRequested} when it comes back from Kafka, in
 * one SQL statement instead of an entity session (one per submission, so the most frequent event by
 * far), for a whole run of them at once: for each it records the event in the inbox, moves the job
 * to {@code quantizing} when its status allows ({@link JobStatus#canMoveTo}) and adds the log entry
 * — exactly what {@link JobProjection#apply} does for it, atomically. It applies only to a job the
 * API wrote (a claimed row); for anything else it does nothing and says so, and the general path
 * runs.
 *
 * <p>The requests of one statement must be of distinct jobs ({@link JobProjection#projectAll}
 * starts a new statement when a job comes again), so that the statement does for each what one
 * statement per request, in any order, would do.
 */
@ApplicationScoped
class OwnRequests {
  /** The statuses a request may move on from, from {@link JobStatus#canMoveTo}. */
  static final String MOVABLE =
      Arrays.stream(JobStatus.values())
          .filter(s -> s.canMoveTo(JobStatus.QUANTIZING))
          .map(s -> "'" + s.json() + "'")
          .collect(Collectors.joining(", "));

  /**
   * Parameters: arrays of event ids, event types, job ids, event times, tenants and log messages
   * (one element per request), then the time it is processed; returns the 1-based positions of the
   * requests whose job the API wrote.
   */
  static final String PROJECT =
      "WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[],"
          + " $5::text[], $6::text[]) WITH ORDINALITY AS v(event_id, event_type, job_id, at,"
          + " tenant, message, n)),"
          + " known AS (SELECT v.* FROM v WHERE EXISTS (SELECT 1 FROM gw_job g"
          + " WHERE g.id = v.job_id AND g.tenant <> '"
          + JobProjection.UNCLAIMED
          + "')),"
          + " p AS (INSERT INTO gw_processed_event (event_id, event_type, job_id, processed_at)"
          + " SELECT event_id, event_type, job_id, $7 FROM known ORDER BY n"
          + " ON CONFLICT DO NOTHING RETURNING event_id),"
          + " j AS (UPDATE gw_job SET status = '"
          + JobStatus.QUANTIZING.json()
          + "', updated_at = k.at FROM known k WHERE gw_job.id = k.job_id"
          + " AND k.event_id IN (SELECT event_id FROM p) AND gw_job.tenant = k.tenant"
          + " AND gw_job.status IN ("
          + MOVABLE
          + ") RETURNING gw_job.id, k.at, k.message, k.n),"
          + " e AS (INSERT INTO gw_job_event (job_id, created_at, level, kind, message)"
          + " SELECT id, at, 'info', 'message', message FROM j ORDER BY n)"
          + " SELECT n FROM known";

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
  Uni<Boolean> project(EventEnvelope<CuraEvent> event) {
    return projectAll(List.of(event)).map(known -> known[0]);
  }

  /**
   * Projects requests (of distinct jobs) whose job the API wrote, in one statement.
   *
   * @param events the gateway's own {@code FineTuneRequested} events
   * @return per request, true when done (now, or already before), false when the general path must
   *     handle it
   */
  Uni<boolean[]> projectAll(List<EventEnvelope<CuraEvent>> events) {
    int size = events.size();
    var ids = new String[size];
    var types = new String[size];
    var jobs = new String[size];
    var times = new OffsetDateTime[size];
    var tenants = new String[size];
    var messages = new String[size];
    for (int i = 0; i < size; i++) {
      EventEnvelope<CuraEvent> event = events.get(i);
      FineTuneRequested request = (FineTuneRequested) event.data();
      ids[i] = event.id();
      types[i] = event.type().ceType();
      jobs[i] = request.jobId();
      times[i] =
          (event.time() != null ? event.time() : Instant.now())
              .truncatedTo(ChronoUnit.MICROS)
              .atOffset(ZoneOffset.UTC);
      tenants[i] = request.tenant();
      messages[i] = JobProjection.queuedForQuantizer(request);
    }
    return pool.preparedQuery(PROJECT)
        .execute(
            Tuple.wrap(
                new Object[] {
                  ids, types, jobs, times, tenants, messages, OffsetDateTime.now(ZoneOffset.UTC)
                }))
        .map(
            rows -> {
              var known = new boolean[size];
              for (Row row : rows) {
                known[row.getLong("n").intValue() - 1] = true;
              }
              return known;
            });
  }
}
