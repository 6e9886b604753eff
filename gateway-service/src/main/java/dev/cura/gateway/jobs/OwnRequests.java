package dev.cura.gateway.jobs;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventEnvelope;
import dev.cura.events.EventHeaders;
import dev.cura.events.EventType;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.Topics;
import dev.cura.gateway.outbox.OnSent;
import dev.cura.messaging.KafkaEvents;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The gateway's own {@code FineTuneRequested}: a job the API wrote moves from {@code queued} to
 * {@code quantizing} (with its log entry) once its request is on the bus, where the quantizer reads
 * it — exactly what {@link JobProjection#apply} does for it, in SQL, for many jobs at once.
 *
 * <p>Usually the outbox relay does it, in the transaction that deletes the rows the broker
 * acknowledged ({@link #sql()}, {@link OnSent}): no write of its own, no commit of its own. When
 * the request comes back from Kafka, {@link #projectAll} does the same in one statement for a whole
 * run of them, which changes nothing when the relay came first (the usual case); it moves the job
 * itself when the request came back before the relay's commit, or was sent by an older relay. Both
 * move a job only from a status that may move on ({@link JobStatus#canMoveTo}) and add the log
 * entry only then, so whichever comes second, and any redelivery, changes nothing: no inbox row is
 * needed for these events (one row write fewer per job). {@link #projectAll} skips a job whose row
 * is locked — by the relay, about to move it (or, if its transaction fails, to send the request
 * again, so that it comes back once more) — instead of waiting for it: the two lock their batches'
 * rows in no common order, and waiting on each other would deadlock.
 *
 * <p>The requests of one {@link #projectAll} statement must be of distinct jobs ({@link
 * JobProjection#projectAll} starts a new statement when a job comes again), so that the statement
 * does for each what one statement per request, in any order, would do.
 */
@ApplicationScoped
class OwnRequests implements OnSent {
  /** The statuses a request may move on from, from {@link JobStatus#canMoveTo}. */
  static final String MOVABLE =
      Arrays.stream(JobStatus.values())
          .filter(s -> s.canMoveTo(JobStatus.QUANTIZING))
          .map(s -> "'" + s.json() + "'")
          .collect(Collectors.joining(", "));

  /**
   * Parameters: arrays of job ids, event times, tenants and log messages (one element per request);
   * returns the 1-based positions of the requests whose job the API wrote.
   */
  static final String PROJECT =
      "WITH v AS (SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[])"
          + " WITH ORDINALITY AS v(job_id, at, tenant, message, n)),"
          + " known AS (SELECT v.* FROM v WHERE EXISTS (SELECT 1 FROM gw_job g"
          + " WHERE g.id = v.job_id AND g.tenant <> '"
          + JobProjection.UNCLAIMED
          + "')),"
          + " m AS (SELECT g.id, k.at, k.message, k.n FROM gw_job g JOIN known k ON g.id = k.job_id"
          + " WHERE g.tenant = k.tenant AND g.status IN ("
          + MOVABLE
          + ") FOR UPDATE OF g SKIP LOCKED),"
          + " j AS (UPDATE gw_job SET status = '"
          + JobStatus.QUANTIZING.json()
          + "', updated_at = m.at FROM m WHERE gw_job.id = m.id AND gw_job.status IN ("
          + MOVABLE
          + ") RETURNING gw_job.id, m.at, m.message, m.n),"
          + " e AS (INSERT INTO gw_job_event (job_id, created_at, level, kind, message)"
          + " SELECT id, at, 'info', 'message', message FROM j ORDER BY n)"
          + " SELECT n FROM known";

  /**
   * The relay's part ({@link OnSent}): the jobs whose request the broker acknowledged move on, at
   * the request's time (the outbox row's, the event's {@code time}), with the log entry {@link
   * JobProjection#queuedForQuantizer} writes. The only requests in the gateway's outbox are the
   * API's ({@link JobWriter}).
   */
  static final String ON_THE_BUS =
      "j AS (UPDATE gw_job SET status = '"
          + JobStatus.QUANTIZING.json()
          + "', updated_at = s.created_at FROM sent s WHERE s.topic = '"
          + Topics.JOB_REQUESTED
          + "' AND gw_job.id = s.record_key AND gw_job.tenant <> '"
          + JobProjection.UNCLAIMED
          + "' AND gw_job.status IN ("
          + MOVABLE
          + ") RETURNING gw_job.id, gw_job.model, s.created_at)"
          + " INSERT INTO gw_job_event (job_id, created_at, level, kind, message)"
          + " SELECT id, created_at, 'info', 'message', "
          + JobProjection.queuedForQuantizerSql("model")
          + " FROM j";

  @Override
  public String sql() {
    return ON_THE_BUS;
  }

  /** Of the given job ids, those of claimed jobs whose status no request can move any more. */
  static final String MOVED_ON =
      "SELECT id FROM gw_job WHERE id = ANY($1::text[]) AND tenant <> '"
          + JobProjection.UNCLAIMED
          + "' AND status NOT IN ("
          + MOVABLE
          + ")";

  /**
   * Which records of a consumer batch are the gateway's own requests (by their headers: binary
   * mode, {@code ce_source} the gateway, {@code ce_type} FineTuneRequested; the key is the job id)
   * of jobs that have moved on — usually all of them, the relay's commit came first. Projecting
   * them would change nothing, so they need not even be decoded: one query for the batch instead
   * (none when the batch has no such record). A record whose job is still queued, unknown or
   * unclaimed is decoded and projected as before; so is a malformed record, unless its headers
   * claim it is the gateway's request of a job that has moved on (then it could change nothing
   * either, and is passed over instead of dead-lettered).
   *
   * @return per record, true when it needs nothing
   */
  Uni<boolean[]> movedOn(List<Message<?>> records) {
    var keys = new String[records.size()];
    var candidates = new ArrayList<String>();
    for (int i = 0; i < records.size(); i++) {
      keys[i] = ownRequestKey(records.get(i));
      if (keys[i] != null) {
        candidates.add(keys[i]);
      }
    }
    if (candidates.isEmpty()) {
      return Uni.createFrom().item(new boolean[records.size()]);
    }
    return pool.preparedQuery(MOVED_ON)
        .execute(Tuple.of(candidates.toArray(String[]::new)))
        .map(
            rows -> {
              var moved = new HashSet<String>();
              for (Row row : rows) {
                moved.add(row.getString("id"));
              }
              var settled = new boolean[records.size()];
              for (int i = 0; i < keys.length; i++) {
                settled[i] = keys[i] != null && moved.contains(keys[i]);
              }
              return settled;
            });
  }

  /** The key (job id) of a binary-mode record whose headers say it is the gateway's request. */
  private static String ownRequestKey(Message<?> record) {
    var meta = record.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
    if (meta == null
        || !Topics.JOB_REQUESTED.equals(meta.getTopic())
        || !(meta.getKey() instanceof String key)
        || !JobService.SOURCE.equals(KafkaEvents.header(meta.getHeaders(), EventHeaders.SOURCE))
        || !EventType.FINE_TUNE_REQUESTED
            .ceType()
            .equals(KafkaEvents.header(meta.getHeaders(), EventHeaders.TYPE))) {
      return null;
    }
    return key;
  }

  private final Pool pool;

  OwnRequests(Pool pool) {
    this.pool = pool;
  }

  /**
   * Projects the request when its job is one the API wrote.
   *
   * @return true when done (now, or already before), false when the general path must handle it
   */
  Uni<Boolean> project(EventEnvelope<CuraEvent> event) {
    return projectAll(List.of(event)).map(known -> known[0]);
  }

  /**
   * Projects requests (of distinct jobs) whose job the API wrote, in one statement; one whose job
   * has already moved on (the relay's commit came first, or a redelivery) changes nothing.
   *
   * @param events the gateway's own {@code FineTuneRequested} events
   * @return per request, true when done (now, or already before), false when the general path must
   *     handle it
   */
  Uni<boolean[]> projectAll(List<EventEnvelope<CuraEvent>> events) {
    int size = events.size();
    var jobs = new String[size];
    var times = new OffsetDateTime[size];
    var tenants = new String[size];
    var messages = new String[size];
    for (int i = 0; i < size; i++) {
      EventEnvelope<CuraEvent> event = events.get(i);
      FineTuneRequested request = (FineTuneRequested) event.data();
      jobs[i] = request.jobId();
      times[i] =
          (event.time() != null ? event.time() : Instant.now())
              .truncatedTo(ChronoUnit.MICROS)
              .atOffset(ZoneOffset.UTC);
      tenants[i] = request.tenant();
      messages[i] = JobProjection.queuedForQuantizer(request);
    }
    return pool.preparedQuery(PROJECT)
        .execute(Tuple.wrap(new Object[] {jobs, times, tenants, messages}))
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
