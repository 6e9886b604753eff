package dev.cura.gateway.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.events.AdapterRegistered;
import dev.cura.events.AdapterTrained;
import dev.cura.events.CancelRequested;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.ContentRef;
import dev.cura.events.CuraEvent;
import dev.cura.events.DatasetRef;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.gateway.outbox.OutboxRecord;
import dev.cura.gateway.outbox.OutboxRelay;
import dev.cura.rest.api.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Job creation, cancellation and the projection of job events, each atomic in PostgreSQL.
 *
 * <p>Creating a job writes the job row and its {@code FineTuneRequested} into the outbox in one SQL
 * statement, hence one transaction ({@link OutboxRelay} publishes it): a crash between the two
 * cannot lose the event or leave a job without one, and the event id fixed in the outbox row makes
 * a resend recognisable. Cancelling writes the status and {@code CancelRequested} in one
 * transaction the same way.
 */
@ApplicationScoped
public class JobService {
  static final String SOURCE = "/cura/gateway";
  private static final Logger LOG = Logger.getLogger(JobService.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

  private final EventCodec codec = new EventCodec();
  private final SecureRandom random = new SecureRandom();
  private final OutboxRelay relay;
  private final JobMetrics metrics;
  private final JobReferences references;
  private final Pool pool;

  JobService(OutboxRelay relay, JobMetrics metrics, JobReferences references, Pool pool) {
    this.relay = relay;
    this.metrics = metrics;
    this.references = references;
    this.pool = pool;
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
   * Writes the job, its outbox record and its first log entry with one SQL statement (one round
   * trip, atomic as every statement is): the hot path of job submission.
   */
  private Uni<Job> insert(
      String tenant,
      JobRequestValidator.JobRequest submitted,
      JobReferences.ModelRef model,
      JobReferences.FileRef train,
      JobReferences.FileRef valid) {
    String jobId = "ftjob-" + UUID.randomUUID().toString().replace("-", "");
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
    Job job = JobProjector.newJob(request, "rest", JobStatus.QUEUED, now);
    job.suffix = submitted.suffix();
    EncodedEvent encoded =
        codec.encode(new EventEnvelope<>(UUID.randomUUID().toString(), SOURCE, now, request));
    String headers;
    try {
      headers = JSON.writeValueAsString(encoded.headers());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
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
        at,
        encoded.topic(),
        encoded.key(),
        headers,
        Buffer.buffer(encoded.value()),
        "Job created for base model " + model.id());
    return pool.preparedQuery(INSERT_JOB).execute(Tuple.from(values)).replaceWith(job);
  }

  static final String INSERT_JOB =
      "WITH j AS (INSERT INTO gw_job (id, tenant, status, model, training_file, validation_file,"
          + " hyperparameters, quantization, optimizer, suffix, seed, adapter_name, source,"
          + " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
          + " $13, $14, $14)),"
          + " o AS (INSERT INTO gw_outbox (topic, record_key, headers, payload, created_at)"
          + " VALUES ($15, $16, $17, $18, $14))"
          + " INSERT INTO gw_job_event (job_id, created_at, level, kind, message)"
          + " VALUES ($1, $14, 'info', 'message', $19)";

  /**
   * Cancels an unfinished job: status {@code cancelled} now, and a {@code CancelRequested} through
   * the outbox so the quantizer and trainers stop. Cancelling a cancelled job returns it unchanged;
   * a succeeded or failed job is a 409.
   */
  public Uni<Job> cancel(String tenant, String id) {
    return Panache.withTransaction(
            () ->
                Job.<Job>findById(id, LockModeType.PESSIMISTIC_WRITE)
                    .flatMap(
                        job -> {
                          if (job == null || !job.tenant.equals(tenant)) {
                            throw ApiException.notFound("fine-tuning job", id);
                          }
                          JobStatus status = job.statusEnum();
                          if (status == JobStatus.CANCELLED) {
                            return Uni.createFrom().item(job);
                          }
                          if (status.terminal()) {
                            throw ApiException.conflict(
                                "job_finished",
                                "job "
                                    + id
                                    + " already "
                                    + job.status
                                    + "; only unfinished jobs can be cancelled");
                          }
                          Instant now = Instant.now();
                          var cancel =
                              new CancelRequested(id, "cancelled by the job's owner", tenant);
                          var envelope =
                              new EventEnvelope<>(
                                  UUID.randomUUID().toString(), SOURCE, now, cancel);
                          List<JobProjector.Entry> entries = JobProjector.apply(job, envelope);
                          Uni<?> chain = OutboxRecord.of(codec.encode(envelope)).persist();
                          for (var e : entries) {
                            chain = chain.flatMap(x -> JobEventRow.of(id, now, e).persist());
                          }
                          return chain.replaceWith(job);
                        }))
        .invoke(j -> relay.kick());
  }

  /**
   * Projects one event (inside the caller's transaction, after de-duplication by event id). An
   * event of an unknown job is kept pending until the job's request arrives.
   */
  public Uni<Void> project(EventEnvelope<CuraEvent> event) {
    String jobId = event.data().jobId();
    return Job.<Job>findById(jobId, LockModeType.PESSIMISTIC_WRITE)
        .flatMap(
            job -> {
              if (job != null) {
                return applyAndLog(job, event);
              }
              FineTuneRequested request =
                  switch (event.data()) {
                    case FineTuneRequested r -> r;
                    case CheckpointQuantized q -> q.request();
                    default -> null;
                  };
              if (request == null) {
                return keepPending(event);
              }
              Instant at = event.time() != null ? event.time() : Instant.now();
              Job fresh =
                  JobProjector.newJob(
                      request, "upstream", JobStatus.QUANTIZING, at.truncatedTo(ChronoUnit.MICROS));
              var received =
                  new JobProjector.Entry(
                      "message",
                      "info",
                      "Job received from "
                          + event.source()
                          + " for base model "
                          + request.baseModel().uri(),
                      null);
              return fresh
                  .<Job>persist()
                  .flatMap(j -> JobEventRow.of(jobId, at, received).persist())
                  .flatMap(x -> applyAndLog(fresh, event))
                  .flatMap(x -> replayPending(fresh));
            });
  }

  private Uni<Void> applyAndLog(Job job, EventEnvelope<? extends CuraEvent> event) {
    String tenant =
        switch (event.data()) {
          case FineTuneRequested r -> r.tenant();
          case CheckpointQuantized q -> q.request().tenant();
          case AdapterTrained a -> a.tenant();
          case AdapterRegistered a -> a.tenant();
          default -> job.tenant;
        };
    if (!job.tenant.equals(tenant)) {
      LOG.warnf(
          "job %s belongs to tenant %s, ignoring %s %s that names tenant %s",
          job.id, job.tenant, event.type().eventName(), event.id(), tenant);
      return Uni.createFrom().voidItem();
    }
    Instant at = event.time() != null ? event.time() : Instant.now();
    List<JobProjector.Entry> entries = JobProjector.apply(job, event);
    Uni<?> chain = Uni.createFrom().voidItem();
    for (var e : entries) {
      chain = chain.flatMap(x -> JobEventRow.of(job.id, at, e).persist());
    }
    return chain.replaceWithVoid();
  }

  private Uni<Void> keepPending(EventEnvelope<CuraEvent> event) {
    EncodedEvent encoded = codec.encode(event);
    var row = new PendingEvent();
    row.eventId = event.id();
    row.jobId = event.data().jobId();
    try {
      row.headers = JSON.writeValueAsString(encoded.headers());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    row.payload = encoded.value();
    row.receivedAt = Instant.now();
    LOG.debugf("job %s not known yet; keeping %s pending", row.jobId, event.type().eventName());
    return PendingEvent.find("eventId", row.eventId)
        .firstResult()
        .flatMap(
            existing ->
                existing != null ? Uni.createFrom().voidItem() : row.persist().replaceWithVoid());
  }

  private Uni<Void> replayPending(Job job) {
    return PendingEvent.<PendingEvent>list("jobId = ?1 order by receivedAt", job.id)
        .flatMap(
            pending -> {
              Uni<?> chain = Uni.createFrom().voidItem();
              for (PendingEvent p : pending) {
                chain = chain.flatMap(x -> applyAndLog(job, decode(p))).flatMap(x -> p.delete());
              }
              return chain.replaceWithVoid();
            });
  }

  private EventEnvelope<CuraEvent> decode(PendingEvent p) {
    try {
      return codec.decode(JSON.readValue(p.headers, HEADERS), p.payload);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("pending event " + p.eventId + " has bad headers", e);
    }
  }
}
