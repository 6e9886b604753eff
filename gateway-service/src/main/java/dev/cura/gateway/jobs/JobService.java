package dev.cura.gateway.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.events.CancelRequested;
import dev.cura.events.ContentRef;
import dev.cura.events.DatasetRef;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.gateway.Ids;
import dev.cura.gateway.outbox.OutboxRecord;
import dev.cura.gateway.outbox.OutboxRelay;
import dev.cura.rest.api.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Job creation and cancellation through the API, each one SQL statement (atomic, one round trip;
 * concurrent creations share one, {@link JobWriter}) that writes the job's state, its event-log
 * entry and its event into the outbox ({@link OutboxRecord#insertFor}, the one way the outbox is
 * written; {@link OutboxRelay} publishes it). A crash cannot lose the event or leave a job without
 * one, and the event id fixed in the outbox row makes a resend recognisable. Everything that
 * happens to a job afterwards comes back from Kafka through {@link JobProjection}.
 */
@ApplicationScoped
public class JobService {
  static final String SOURCE = "/cura/gateway";

  private final EventCodec codec = new EventCodec();
  private final SecureRandom random = new SecureRandom();
  private final OutboxRelay relay;
  private final JobMetrics metrics;
  private final JobReferences references;
  private final Pool pool;
  private final JobWriter writer;

  JobService(
      OutboxRelay relay,
      JobMetrics metrics,
      JobReferences references,
      Pool pool,
      JobWriter writer) {
    this.relay = relay;
    this.metrics = metrics;
    this.references = references;
    this.pool = pool;
    this.writer = writer;
  }

  /** Validates and creates a job; 400 naming the field for bad input. */
  public Uni<Job> create(String tenant, JsonNode body) {
    JobRequestValidator.JobRequest request;
    try {
      request = JobRequestValidator.validate(body, () -> random.nextInt(Integer.MAX_VALUE));
    } catch (ApiException e) {
      metrics.submitted("rejected");
      throw e;
    }
    return insert(tenant, request)
        .onItemOrFailure()
        .invoke(
            (job, failure) -> {
              metrics.submitted(failure == null ? "accepted" : "rejected");
              if (failure == null) {
                relay.kick();
              }
            });
  }

  private Uni<Job> insert(String tenant, JobRequestValidator.JobRequest request) {
    return references
        .model(request.model())
        .flatMap(
            model ->
                references
                    .file(tenant, request.trainingFile(), "training_file")
                    .flatMap(
                        train ->
                            (request.validationFile() == null
                                    ? Uni.createFrom().<JobReferences.FileRef>nullItem()
                                    : references.file(
                                        tenant, request.validationFile(), "validation_file"))
                                .flatMap(valid -> insert(tenant, request, model, train, valid))));
  }

  /**
   * Writes the job, its outbox record and its first log entry atomically, in one SQL statement
   * together with the submissions that arrive meanwhile ({@link JobWriter}, group commit): the hot
   * path of job submission.
   */
  private Uni<Job> insert(
      String tenant,
      JobRequestValidator.JobRequest submitted,
      JobReferences.ModelRef model,
      JobReferences.FileRef train,
      JobReferences.FileRef valid) {
    String jobId = Ids.next("ftjob-");
    var datasets = new ArrayList<DatasetRef>();
    datasets.add(new DatasetRef(train.id(), "train", train.uri(), train.sha256()));
    if (valid != null) {
      datasets.add(new DatasetRef(valid.id(), "validation", valid.uri(), valid.sha256()));
    }
    var request =
        new FineTuneRequested(
            jobId,
            tenant,
            new ContentRef(model.id(), model.sha256()),
            datasets,
            submitted.spec().lora(),
            submitted.spec().quantization(),
            submitted.spec().optimizer(),
            submitted.spec().training(),
            submitted.adapterName());
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Job job = JobProjection.newJob(request, "rest", JobStatus.QUEUED, now);
    job.suffix = submitted.suffix();
    EncodedEvent encoded =
        codec.encode(new EventEnvelope<>(UUID.randomUUID().toString(), SOURCE, now, request));
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    var values = new ArrayList<Object>();
    Collections.addAll(
        values,
        job.id,
        job.tenant,
        job.status,
        job.model,
        job.trainingFile,
        job.validationFile,
        job.hyperparameters,
        job.quantization,
        job.optimizer,
        job.suffix,
        job.seed,
        job.adapterName,
        job.source,
        at);
    values.addAll(OutboxRecord.params(encoded, at));
    values.add("Job created for base model " + model.id());
    return writer.insert(values).replaceWith(job);
  }

  static final String CANCEL_JOB =
      "WITH j AS (UPDATE gw_job SET status = 'cancelled', finished_at = $3, updated_at = $3,"
          + " estimated_finish = NULL WHERE id = $1 AND tenant = $2"
          + " AND status NOT IN ('succeeded', 'failed', 'cancelled') RETURNING id),"
          + " o AS ("
          + OutboxRecord.insertFor("j", 4)
          + "),"
          + " e AS (INSERT INTO gw_job_event (job_id, created_at, level, kind, message)"
          + " SELECT id, $3, 'info', 'message', $9 FROM j)"
          + " SELECT count(*) AS n FROM j";

  /**
   * Cancels an unfinished job: status {@code cancelled} now, and a {@code CancelRequested} through
   * the outbox so the quantizer and trainers stop. Cancelling a cancelled job returns it unchanged;
   * a succeeded or failed job is a 409 {@code job_finished}.
   */
  public Uni<Job> cancel(String tenant, String id) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    var cancel = new CancelRequested(id, "cancelled by the job's owner", tenant);
    EncodedEvent encoded =
        codec.encode(new EventEnvelope<>(UUID.randomUUID().toString(), SOURCE, now, cancel));
    var values = new ArrayList<Object>(List.of(id, tenant, at));
    values.addAll(OutboxRecord.params(encoded, at));
    values.add("Job cancelled: " + cancel.reason());
    return pool.preparedQuery(CANCEL_JOB)
        .execute(Tuple.from(values))
        .map(rows -> rows.iterator().next().getLong("n"))
        .flatMap(
            n ->
                Panache.withSession(() -> Job.<Job>findById(id))
                    .map(
                        job -> {
                          if (job == null || !job.tenant.equals(tenant)) {
                            throw ApiException.notFound("fine-tuning job", id);
                          }
                          if (n == 0 && job.statusEnum() != JobStatus.CANCELLED) {
                            throw ApiException.conflict(
                                "job_finished",
                                "job "
                                    + id
                                    + " already "
                                    + job.status
                                    + "; only unfinished jobs can be cancelled");
                          }
                          if (n > 0) {
                            relay.kick();
                          }
                          return job;
                        }));
  }
}
