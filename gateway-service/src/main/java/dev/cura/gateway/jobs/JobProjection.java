package dev.cura.gateway.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.core.util.Json;
import dev.cura.events.AdapterRegistered;
import dev.cura.events.AdapterTrained;
import dev.cura.events.CancelRequested;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.CheckpointSaved;
import dev.cura.events.CuraEvent;
import dev.cura.events.DatasetRef;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.JobCancelled;
import dev.cura.events.JobFailed;
import dev.cura.events.JobSpec;
import dev.cura.events.TrainingProgress;
import dev.cura.rest.inbox.ProcessedEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The gateway's job-state projection, in one place: every job event from Kafka (the gateway's own
 * {@code FineTuneRequested} coming back, upstream requests, the other stages' events) becomes the
 * job's row and event-log entries.
 *
 * <p>{@link #project} handles one event in one PostgreSQL transaction ({@link #projectAll}: a
 * consumer batch of events in a few, usually one): it records the event id in the inbox ({@link
 * ProcessedEvent}; a redelivery or duplicate stops there), upserts the job row — an event that
 * arrives before its job's request creates an unclaimed row (tenant {@value #UNCLAIMED}, seen by
 * nobody) which the request fills in when it comes, so no event is ever lost or parked — and
 * applies the event ({@link #apply}). Jobs are created and cancelled through the API by {@link
 * JobService}, which writes the row and the outbox itself.
 *
 * <p>The gateway's own {@code FineTuneRequested} (the most frequent event: one per submission)
 * takes a shortcut with the same effect, one SQL statement and no inbox row ({@link OwnRequests});
 * usually the outbox relay has already applied it when it comes back.
 *
 * <p>The rules ({@link #apply}, pure, no IO): FineTuneRequested → quantizing (it is on the bus,
 * where the quantizer reads it); CheckpointQuantized, TrainingProgress, CheckpointSaved → running
 * (stage training); AdapterTrained → registering; AdapterRegistered → succeeded ({@code
 * fine_tuned_model = name:version}); JobFailed → failed; CancelRequested, JobCancelled → cancelled.
 * A status only moves forward ({@link JobStatus#canMoveTo}) and progress numbers only grow, so
 * redelivered, duplicated and late events change nothing.
 */
@ApplicationScoped
public class JobProjection {
  /** Tenant of a row made by an event that came before its job's request: visible to nobody. */
  static final String UNCLAIMED = "";

  private static final Logger LOG = Logger.getLogger(JobProjection.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OwnRequests ownRequests;

  JobProjection(OwnRequests ownRequests) {
    this.ownRequests = ownRequests;
  }

  /**
   * Projects one event; completes when its transaction committed. Safe to call again for the same
   * event (the inbox makes it a no-op) and after a failed attempt (nothing was committed).
   */
  public Uni<Void> project(EventEnvelope<CuraEvent> event) {
    if (isOwnRequest(event)) {
      // the gateway's own request coming back: one statement, no entity session
      return ownRequests
          .project(event)
          .flatMap(done -> done ? Uni.createFrom().voidItem() : inTransaction(List.of(event)));
    }
    return inTransaction(List.of(event));
  }

  /**
   * Projects the events of one consumer batch with the effect of {@link #project} on each in turn,
   * in far fewer transactions: the events are taken in their order in runs, a run of the gateway's
   * own requests of distinct jobs in one statement ({@link OwnRequests#projectAll}, then those of
   * them the general path must take in one transaction), a run of other events in one transaction.
   * A batch of only the gateway's own requests, the usual one under load, is one statement.
   *
   * <p>Fails when any run fails; the runs before it stay committed. Safe to call again, and to
   * follow with {@link #project} of each event (the inbox makes what was done a no-op).
   */
  public Uni<Void> projectAll(List<EventEnvelope<CuraEvent>> events) {
    var runs = new ArrayList<List<EventEnvelope<CuraEvent>>>();
    int end;
    for (int start = 0; start < events.size(); start = end) {
      boolean own = isOwnRequest(events.get(start));
      var jobs = new HashSet<String>(List.of(events.get(start).data().jobId()));
      end = start + 1;
      while (end < events.size()
          && isOwnRequest(events.get(end)) == own
          && (!own || jobs.add(events.get(end).data().jobId()))) {
        end++;
      }
      runs.add(events.subList(start, end));
    }
    return inOrder(runs, run -> isOwnRequest(run.get(0)) ? ownRequests(run) : inTransaction(run));
  }

  /** A run of the gateway's own requests: one statement, then the general path for the rest. */
  private Uni<Void> ownRequests(List<EventEnvelope<CuraEvent>> run) {
    return ownRequests
        .projectAll(run)
        .flatMap(
            known -> {
              var rest = new ArrayList<EventEnvelope<CuraEvent>>();
              for (int i = 0; i < known.length; i++) {
                if (!known[i]) {
                  rest.add(run.get(i));
                }
              }
              return inTransaction(rest);
            });
  }

  /** {@code step} on each item, one after the other (iteratively: no stack grows with the list). */
  private static <T> Uni<Void> inOrder(List<T> items, Function<T, Uni<Void>> step) {
    return Multi.createFrom()
        .iterable(items)
        .onItem()
        .transformToUniAndConcatenate(item -> step.apply(item))
        .onItem()
        .ignoreAsUni();
  }

  /** The gateway's own {@code FineTuneRequested} (a job the API wrote, normally). */
  private static boolean isOwnRequest(EventEnvelope<CuraEvent> event) {
    return event.data() instanceof FineTuneRequested && JobService.SOURCE.equals(event.source());
  }

  /** The general path for {@code events}, in order, in one transaction (none when empty). */
  private Uni<Void> inTransaction(List<EventEnvelope<CuraEvent>> events) {
    if (events.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return Panache.withTransaction(
        () ->
            inOrder(
                events,
                event ->
                    ProcessedEvent.markProcessed(event)
                        .flatMap(
                            first -> first ? upsertAndApply(event) : Uni.createFrom().voidItem())
                        // written before the next event looks its job up (and locks the row)
                        .call(Panache::flush)));
  }

  private Uni<Void> upsertAndApply(EventEnvelope<CuraEvent> event) {
    String jobId = event.data().jobId();
    Instant at = timeOf(event).truncatedTo(ChronoUnit.MICROS);
    FineTuneRequested request = requestOf(event.data());
    return Job.<Job>findById(jobId, LockModeType.PESSIMISTIC_WRITE)
        .flatMap(
            existing -> {
              var entries = new ArrayList<Entry>();
              Job job = existing;
              Uni<?> saved = Uni.createFrom().voidItem();
              boolean received = false;
              if (job == null) {
                job =
                    request != null
                        ? newJob(request, "upstream", JobStatus.VALIDATING_FILES, at)
                        : unclaimed(jobId, at);
                saved = job.persist();
                received = request != null;
              } else if (UNCLAIMED.equals(job.tenant) && request != null) {
                claim(job, request);
                received = true;
              }
              if (received) {
                entries.add(
                    info(
                        "Job received from "
                            + event.source()
                            + " for base model "
                            + request.baseModel().uri()));
              }
              String named = tenantOf(event.data());
              if (named != null && !UNCLAIMED.equals(job.tenant) && !job.tenant.equals(named)) {
                LOG.warnf(
                    "job %s belongs to tenant %s, ignoring %s %s that names tenant %s",
                    job.id, job.tenant, event.type().eventName(), event.id(), named);
                return saved.replaceWithVoid();
              }
              entries.addAll(apply(job, event));
              Job target = job;
              Uni<?> chain = saved;
              for (Entry e : entries) {
                chain = chain.flatMap(x -> JobEventRow.of(target.id, at, e).persist());
              }
              return chain.replaceWithVoid();
            });
  }

  private static Instant timeOf(EventEnvelope<?> event) {
    return event.time() != null ? event.time() : Instant.now();
  }

  /** The request an event carries: FineTuneRequested itself, or CheckpointQuantized's copy. */
  private static FineTuneRequested requestOf(CuraEvent e) {
    return switch (e) {
      case FineTuneRequested r -> r;
      case CheckpointQuantized q -> q.request();
      default -> null;
    };
  }

  /** The tenant an event names, or null when it names none. */
  private static String tenantOf(CuraEvent e) {
    return switch (e) {
      case FineTuneRequested r -> r.tenant();
      case CheckpointQuantized q -> q.request().tenant();
      case AdapterTrained a -> a.tenant();
      case AdapterRegistered a -> a.tenant();
      default -> null;
    };
  }

  /** A row for a job whose request has not arrived yet: seen by no tenant until claimed. */
  static Job unclaimed(String jobId, Instant at) {
    var job = new Job();
    job.id = jobId;
    job.tenant = UNCLAIMED;
    job.status = JobStatus.VALIDATING_FILES.json();
    job.model = "";
    job.hyperparameters = "{}";
    job.quantization = "{}";
    job.optimizer = "";
    job.adapterName = "";
    job.source = "upstream";
    job.createdAt = at;
    job.updatedAt = at;
    return job;
  }

  /** Fills an unclaimed row from its request; status and progress stay what the events made. */
  static void claim(Job job, FineTuneRequested request) {
    Job from = newJob(request, "upstream", JobStatus.VALIDATING_FILES, job.createdAt);
    job.tenant = from.tenant;
    job.model = from.model;
    job.trainingFile = from.trainingFile;
    job.validationFile = from.validationFile;
    job.hyperparameters = from.hyperparameters;
    job.quantization = from.quantization;
    job.optimizer = from.optimizer;
    job.seed = from.seed;
    job.adapterName = from.adapterName;
  }

  /**
   * One event-log entry.
   *
   * @param kind {@code message}, {@code metrics} or {@code checkpoint}
   * @param level {@code info}, {@code warn} or {@code error}
   * @param data JSON object text, or null
   */
  public record Entry(String kind, String level, String message, String data) {}

  /**
   * Applies {@code event} to {@code job} (mutating it) and returns the log entries to add.
   *
   * @param job the job's current row; its id equals the event's job id
   */
  public static List<Entry> apply(Job job, EventEnvelope<? extends CuraEvent> event) {
    Instant at = event.time() != null ? event.time() : Instant.now();
    var out = new ArrayList<Entry>();
    switch (event.data()) {
      case FineTuneRequested r -> {
        if (move(job, JobStatus.QUANTIZING, at)) {
          out.add(info(queuedForQuantizer(r)));
        }
      }
      case CheckpointQuantized q -> {
        move(job, JobStatus.RUNNING, at);
        out.add(
            new Entry(
                "message",
                "info",
                String.format(
                    Locale.ROOT,
                    "Base model quantized (%s%s, %.3f bits/param%s); waiting for a trainer",
                    q.request().quantization().type(),
                    q.request().quantization().doubleQuant() ? " + double quant" : "",
                    q.bitsPerParam(),
                    q.cacheHit() ? ", reused from cache" : ""),
                json(
                    map(
                        "artifact_digest", q.artifactDigest(),
                        "bits_per_param", q.bitsPerParam(),
                        "cache_hit", q.cacheHit(),
                        "mean_abs_error", q.errorStats().meanAbsError()))));
      }
      case TrainingProgress p -> {
        move(job, JobStatus.RUNNING, at);
        if (!job.statusEnum().terminal() && (job.lastStep == null || p.step() > job.lastStep)) {
          job.lastStep = p.step();
          job.lastLoss = Double.isFinite(p.loss()) ? p.loss() : null;
          if (p.totalSteps() != null) {
            job.totalSteps = p.totalSteps();
          }
          job.estimatedFinish = p.etaSeconds() == null ? null : at.plusSeconds(p.etaSeconds());
          job.updatedAt = at;
        }
        out.add(
            new Entry(
                "metrics",
                "info",
                String.format(
                    Locale.ROOT,
                    "Step %d%s: training loss=%.4f",
                    p.step(),
                    p.totalSteps() == null ? "" : "/" + p.totalSteps(),
                    p.loss()),
                json(
                    map(
                        "step", p.step(),
                        "train_loss", p.loss(),
                        "epoch", p.epoch(),
                        "learning_rate", p.learningRate(),
                        "tokens_per_second", p.tokensPerSecond(),
                        "peak_memory_bytes", p.peakMemoryBytes(),
                        "total_steps", p.totalSteps(),
                        "eta_seconds", p.etaSeconds()))));
      }
      case CheckpointSaved c -> {
        move(job, JobStatus.RUNNING, at);
        // the training loss at the checkpoint's step, when the progress of that step came first
        Double loss = job.lastStep != null && job.lastStep == c.step() ? job.lastLoss : null;
        // a content address, never where the trainer keeps it on its disk
        out.add(
            new Entry(
                "checkpoint",
                "info",
                "Checkpoint saved at step " + c.step(),
                json(
                    map(
                        "step",
                        c.step(),
                        "train_loss",
                        loss,
                        "digest",
                        c.digest(),
                        "uri",
                        "cas:sha256/" + c.digest()))));
      }
      case AdapterTrained a -> {
        if (move(job, JobStatus.REGISTERING, at)) {
          job.estimatedFinish = null;
        }
        // a fact about the finished training, kept even when AdapterRegistered overtook this event
        Double tokens =
            a.metrics() == null
                ? null
                : a.metrics().getOrDefault("trained_tokens", a.metrics().get("tokens"));
        if (tokens != null && job.trainedTokens == null && !"cancelled".equals(job.status)) {
          job.trainedTokens = tokens.longValue();
        }
        var data = new LinkedHashMap<String, Object>();
        data.put("adapter_digest", a.adapterDigest());
        if (a.metrics() != null) {
          data.putAll(a.metrics());
        }
        out.add(
            new Entry(
                "message",
                "info",
                "Training finished; registering adapter " + a.adapterName(),
                json(data)));
      }
      case AdapterRegistered r -> {
        if (move(job, JobStatus.SUCCEEDED, at)) {
          job.fineTunedModel = r.name() + ":" + r.version();
          job.finishedAt = at;
          job.estimatedFinish = null;
          out.add(info("Job succeeded: adapter " + job.fineTunedModel + " is registered"));
        } else {
          out.add(
              new Entry(
                  "message",
                  "warn",
                  "Adapter "
                      + r.name()
                      + ":"
                      + r.version()
                      + " was registered after the job ended as "
                      + job.status,
                  null));
        }
      }
      case JobFailed f -> {
        if (move(job, JobStatus.FAILED, at)) {
          job.errorCode = f.code().json();
          job.errorMessage = f.stage().json() + ": " + f.message();
          job.finishedAt = at;
          job.estimatedFinish = null;
        }
        out.add(
            new Entry(
                "message",
                "error",
                "Job failed while " + f.stage().json() + ": " + f.message(),
                null));
      }
      case JobCancelled c -> {
        // a stage acknowledging a cancel: the job is cancelled (never failed), whoever asked
        if (move(job, JobStatus.CANCELLED, at)) {
          job.finishedAt = at;
          job.estimatedFinish = null;
        }
        out.add(
            info(
                "Work stopped while "
                    + c.stage().json()
                    + (c.steps() == null ? "" : " after " + c.steps() + " steps")
                    + ": the job is cancelled"));
      }
      case CancelRequested c -> {
        if (move(job, JobStatus.CANCELLED, at)) {
          job.finishedAt = at;
          job.estimatedFinish = null;
          out.add(info("Job cancelled" + (c.reason() == null ? "" : ": " + c.reason())));
        }
      }
    }
    return out;
  }

  /**
   * A new job row from a request (REST or upstream).
   *
   * @param status {@code queued} for REST jobs (not yet on the bus), {@code quantizing} for jobs
   *     first seen on the bus
   */
  public static Job newJob(FineTuneRequested r, String source, JobStatus status, Instant at) {
    var job = new Job();
    job.id = r.jobId();
    job.tenant = r.tenant();
    job.status = status.json();
    job.model = r.baseModel().uri();
    for (DatasetRef d : r.datasets()) {
      // upstream systems may name a dataset by its content address only
      String file = d.fileId() != null ? d.fileId() : d.uri();
      if ("validation".equals(d.split())) {
        job.validationFile = file;
      } else if (job.trainingFile == null) {
        job.trainingFile = file;
      }
    }
    JobSpec spec = JobSpec.of(r);
    job.hyperparameters = json(JobSpecJson.hyperparameters(spec));
    job.quantization = json(JobSpecJson.quantization(spec));
    job.optimizer = r.optimizer().name();
    job.seed = r.training().seed();
    job.adapterName = r.adapterName();
    job.source = source;
    job.createdAt = at;
    job.updatedAt = at;
    return job;
  }

  private static boolean move(Job job, JobStatus next, Instant at) {
    if (!job.statusEnum().canMoveTo(next)) {
      return false;
    }
    job.status = next.json();
    job.updatedAt = at;
    return true;
  }

  private static final String QUEUED = "Job is queued for the quantizer (base ";

  /** The log entry of a job whose request is on the bus. */
  static String queuedForQuantizer(FineTuneRequested r) {
    return QUEUED + r.baseModel().uri() + ")";
  }

  /**
   * {@link #queuedForQuantizer} as an SQL expression over the job row's {@code model} column (which
   * {@link #newJob} fills with the request's base model URI).
   */
  static String queuedForQuantizerSql(String model) {
    return "'" + QUEUED + "' || " + model + " || ')'";
  }

  private static Entry info(String message) {
    return new Entry("message", "info", message, null);
  }

  /** A map from alternating keys and values, dropping null values. */
  static Map<String, Object> map(Object... kv) {
    var m = new LinkedHashMap<String, Object>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  static String json(Object o) {
    return Json.write(JSON, o);
  }
}
