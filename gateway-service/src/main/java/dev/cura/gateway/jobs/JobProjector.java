package dev.cura.gateway.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.events.AdapterRegistered;
import dev.cura.events.AdapterTrained;
import dev.cura.events.CancelRequested;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.CheckpointSaved;
import dev.cura.events.CuraEvent;
import dev.cura.events.DatasetRef;
import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.JobFailed;
import dev.cura.events.JobSpec;
import dev.cura.events.TrainingProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The job-state projection as a pure function: applies one event to a {@link Job} row and says
 * which entries to add to the job's event log. No IO; the caller loads and saves the row inside one
 * transaction, after de-duplicating the event by its id.
 *
 * <p>Status per event: FineTuneRequested → quantizing (it is on the bus, where the quantizer reads
 * it); CheckpointQuantized, TrainingProgress, CheckpointSaved → running; AdapterTrained →
 * registering; AdapterRegistered → succeeded ({@code fine_tuned_model = name:version}); JobFailed →
 * failed; CancelRequested → cancelled. A status only moves forward ({@link JobStatus#canMoveTo})
 * and progress numbers only grow, so redelivered, duplicated and late events change nothing.
 */
public final class JobProjector {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JobProjector() {}

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
          out.add(info("Job is queued for the quantizer (base " + r.baseModel().uri() + ")"));
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
        out.add(
            new Entry(
                "checkpoint",
                "info",
                "Checkpoint saved at step " + c.step(),
                json(map("step", c.step(), "digest", c.digest(), "uri", c.uri()))));
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
      if ("validation".equals(d.split())) {
        job.validationFile = d.fileId();
      } else if (job.trainingFile == null) {
        job.trainingFile = d.fileId();
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
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
