package dev.cura.quantizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.core.models.RegisteredModels;
import dev.cura.core.quant.QuantType;
import dev.cura.core.quantize.ArtifactKey;
import dev.cura.core.quantize.CheckpointQuantizer;
import dev.cura.core.quantize.QuantizeListener;
import dev.cura.core.quantize.QuantizeSettings;
import dev.cura.core.store.ArtifactStore;
import dev.cura.core.store.JobOwners;
import dev.cura.core.util.FormatException;
import dev.cura.core.util.Json;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.EventDecodingException;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.JobFailed;
import dev.cura.events.QuantConfig;
import dev.cura.events.QuantErrorStats;
import dev.cura.events.References;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The quantizer's logic, free of Quarkus and Kafka: turns a {@link FineTuneRequested} into a {@link
 * CheckpointQuantized} (or a {@link JobFailed}), reusing the content-addressed artifact when the
 * same base was already quantized with the same settings.
 *
 * <ul>
 *   <li>only what the request may reference is read: the base model is a registered name, read from
 *       exactly the directory its registration binds and only while its files have the registered
 *       digest ({@link RegisteredModels}); a path or URI is refused, the record dead-lettered;
 *   <li>a job id belongs to the tenant that used it first ({@link JobOwners}); a request of another
 *       tenant for it is dead-lettered without failing the owner's job;
 *   <li>artifact key = {@link ArtifactKey}: SHA-256 of the base's digest + settings + format
 *       version; a stored artifact is a cache hit and is not quantized again;
 *   <li>work runs on the given executor (a bounded worker pool; never an event-loop thread), one
 *       quantization at a time by default;
 *   <li>concurrent requests for the same key share one quantization (the first job reports a miss,
 *       the others hits);
 *   <li>cancelled jobs are skipped (before starting, and before announcing);
 *   <li>bad input (no such model, not a checkpoint, unknown dtype, already quantized) fails the job
 *       as {@code user_error}; anything else as {@code internal}, without internals in the message.
 * </ul>
 */
public final class QuantizationJobs {
  private static final Logger LOG = Logger.getLogger(QuantizationJobs.class.getName());

  private final ArtifactStore store;
  private final RegisteredModels models;
  private final JobOwners owners;
  private final ExecutorService workers;
  private final MeterRegistry meters;
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Artifact>> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong quantizations = new AtomicLong();
  private final AtomicReference<Double> lastBits = new AtomicReference<>(0.0);
  private final Counter hits;
  private final Counter misses;
  private final Counter bytesRead;

  /** A stored artifact and what is known about it. */
  record Artifact(
      String key, Path dir, double bitsPerParam, QuantErrorStats errors, boolean reused) {}

  public QuantizationJobs(
      ArtifactStore store, RegisteredModels models, ExecutorService workers, MeterRegistry m) {
    this.store = store;
    this.models = models;
    this.owners = new JobOwners(store.root());
    this.workers = workers;
    this.meters = m;
    // names and tags as deploy/metrics-catalog.txt lists them for the dashboards
    this.hits =
        Counter.builder("cura.quantize.cache")
            .description("quantization requests by artifact cache result")
            .tag("result", "hit")
            .register(m);
    this.misses =
        Counter.builder("cura.quantize.cache")
            .description("quantization requests by artifact cache result")
            .tag("result", "miss")
            .register(m);
    this.bytesRead =
        Counter.builder("cura.quantize.bytes")
            .baseUnit("bytes")
            .description("base checkpoint bytes read by quantizations")
            .register(m);
    m.gauge("cura.quantize.inflight", running);
    m.gauge("cura.quantize.bits.per.param", lastBits, AtomicReference::get);
  }

  /** Marks a job cancelled; a request for it that has not been announced yet is dropped. */
  public void cancel(String jobId) {
    cancelled.add(jobId);
  }

  public boolean isCancelled(String jobId) {
    return cancelled.contains(jobId);
  }

  /** The tenant that owns {@code jobId}, if a request for it was seen (cancels are checked). */
  public java.util.Optional<String> owner(String jobId) throws IOException {
    return owners.owner(jobId);
  }

  /** Stops the worker pool (running work is abandoned; its temporary files are left behind). */
  public void shutdown() {
    workers.shutdownNow();
  }

  /** Quantizations actually run (not cache hits) since start. */
  public long quantizationsRun() {
    return quantizations.get();
  }

  /** Jobs being worked on now. */
  public int inFlight() {
    return running.get();
  }

  /**
   * Handles one request. The future completes on a worker thread with the outcome to publish; it
   * never completes exceptionally.
   */
  public CompletableFuture<QuantizeOutcome> submit(FineTuneRequested req) {
    return CompletableFuture.supplyAsync(() -> prepare(req), workers)
        .thenCompose(p -> p)
        .handle((outcome, err) -> err == null ? outcome : failure(req, unwrap(err)));
  }

  /** Admits, resolves and keys the request (worker thread), then joins or starts the work. */
  private CompletableFuture<QuantizeOutcome> prepare(FineTuneRequested req) {
    try {
      QuantizeOutcome refused = admit(req);
      if (refused != null) {
        return CompletableFuture.completedFuture(refused);
      }
      if (cancelled.contains(req.jobId())) {
        return CompletableFuture.completedFuture(new QuantizeOutcome.Cancelled(req.jobId()));
      }
      QuantConfig qc = req.quantization();
      RegisteredModels.Resolved base =
          models.resolve(req.baseModel().uri(), req.baseModel().sha256());
      if (qc != null && "none".equalsIgnoreCase(qc.type())) {
        // 16-bit base requested: the base's files themselves are the artifact, copied into the
        // store (its key is the base's digest: the same formula)
        String key = store.putCopy(base.dir());
        return CompletableFuture.completedFuture(
            announce(req, new Artifact(key, null, 16, new QuantErrorStats(0, 0, 0.0), true), true));
      }
      QuantizeSettings settings = settings(qc);
      String key = ArtifactKey.of(base.sha256(), settings);
      boolean[] leader = {false};
      CompletableFuture<Artifact> work =
          inFlight.computeIfAbsent(
              key,
              k -> {
                leader[0] = true;
                return CompletableFuture.supplyAsync(
                        () -> produce(k, base.dir(), settings), workers)
                    .whenComplete((a, e) -> inFlight.remove(k));
              });
      boolean joined = !leader[0];
      return work.thenApply(a -> announce(req, a, joined || a.reused()));
    } catch (Exception e) {
      return CompletableFuture.completedFuture(failure(req, e));
    }
  }

  /**
   * Null when the request may be handled; otherwise why not: an unsafe or foreign job id (the
   * record is dead-lettered only), or a reference that is not allowed (the job fails as a user
   * error, and the record is dead-lettered).
   */
  private QuantizeOutcome admit(FineTuneRequested req) throws IOException {
    try {
      JobOwners.requireSafe("tenant", req.tenant());
      JobOwners.requireSafe("job id", req.jobId());
    } catch (IllegalArgumentException e) {
      return new QuantizeOutcome.Refused(
          new EventDecodingException(
              EventDecodingException.Reason.INVALID_FIELD, "job_id", e.getMessage()),
          null);
    }
    if (!owners.claim(req.tenant(), req.jobId())) {
      return new QuantizeOutcome.Refused(EventDecodingException.foreignJob(req.jobId()), null);
    }
    try {
      References.check(req);
    } catch (EventDecodingException e) {
      return new QuantizeOutcome.Refused(
          e,
          new JobFailed(
              req.jobId(), JobFailed.Stage.QUANTIZING, JobFailed.Code.USER_ERROR, e.getMessage()));
    }
    return null;
  }

  /** Gets the artifact from the store or quantizes it (worker thread). */
  private Artifact produce(String key, Path base, QuantizeSettings settings) {
    running.incrementAndGet();
    Timer.Sample sample = Timer.start(meters);
    String outcome = "error";
    try {
      var stored = store.get(key);
      if (stored.isPresent()) {
        outcome = "cache_hit";
        return read(key, stored.get(), true);
      }
      AtomicLong bytes = new AtomicLong();
      Path dir =
          store.putIfAbsent(
              key,
              out -> {
                var r = CheckpointQuantizer.quantize(base, out, settings, QuantizeListener.NONE);
                bytes.set(r.bytesRead());
              });
      quantizations.incrementAndGet();
      misses.increment();
      bytesRead.increment(bytes.get());
      outcome = "quantized";
      return read(key, dir, false);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      running.decrementAndGet();
      sample.stop(
          Timer.builder("cura.quantize.duration")
              .description("time to produce a quantized artifact")
              .tag("quant_type", settings.quantType().jsonName())
              .tag("outcome", outcome)
              .register(meters));
    }
  }

  /** The artifact's numbers from its quantization_report.json. */
  private Artifact read(String key, Path dir, boolean reused) throws IOException {
    JsonNode r = Json.MAPPER.readTree(dir.resolve("quantization_report.json").toFile());
    double bits = r.path("bits_per_param").asDouble();
    lastBits.set(bits);
    QuantErrorStats err =
        new QuantErrorStats(
            r.path("mean_abs_error").asDouble(),
            r.path("max_abs_error").asDouble(),
            r.path("rmse").asDouble());
    return new Artifact(key, dir, bits, err, reused);
  }

  private QuantizeOutcome announce(FineTuneRequested req, Artifact a, boolean cacheHit) {
    if (cancelled.contains(req.jobId())) {
      return new QuantizeOutcome.Cancelled(req.jobId());
    }
    if (cacheHit) {
      hits.increment();
    }
    return new QuantizeOutcome.Quantized(
        new CheckpointQuantized(
            req.jobId(),
            a.key(),
            References.cas(a.key()),
            a.bitsPerParam(),
            a.errors(),
            cacheHit,
            req));
  }

  static QuantizeSettings settings(QuantConfig qc) {
    QuantizeSettings s = QuantizeSettings.defaults();
    if (qc == null) {
      return s;
    }
    s = s.withQuantType(QuantType.parse(qc.type())).withDoubleQuant(qc.doubleQuant());
    if (qc.blocksize() != null) {
      s = s.withBlocksize(qc.blocksize());
    }
    return s;
  }

  private QuantizeOutcome failure(FineTuneRequested req, Throwable e) {
    boolean user = e instanceof FormatException || e instanceof IllegalArgumentException;
    String msg;
    if (user) {
      msg = oneLine(models.roots().withoutRoots(e.getMessage()));
    } else {
      String ref = java.util.UUID.randomUUID().toString().substring(0, 8);
      LOG.log(Level.SEVERE, "job " + req.jobId() + " failed (ref " + ref + ")", e);
      msg = "internal error while quantizing the base model (ref " + ref + ")";
    }
    return new QuantizeOutcome.Failed(
        new JobFailed(
            req.jobId(),
            JobFailed.Stage.QUANTIZING,
            user ? JobFailed.Code.USER_ERROR : JobFailed.Code.INTERNAL,
            msg));
  }

  /** A job's failure message is one line (parsers' messages may carry line breaks). */
  static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof java.util.concurrent.CompletionException
            || e instanceof java.util.concurrent.ExecutionException
            || e instanceof java.io.UncheckedIOException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
