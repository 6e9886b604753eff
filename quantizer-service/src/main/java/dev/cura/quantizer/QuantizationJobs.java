package dev.cura.quantizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.core.quant.QuantType;
import dev.cura.core.quantize.ArtifactKey;
import dev.cura.core.quantize.CheckpointQuantizer;
import dev.cura.core.quantize.QuantizeListener;
import dev.cura.core.quantize.QuantizeSettings;
import dev.cura.core.store.ArtifactStore;
import dev.cura.core.store.CheckpointHash;
import dev.cura.core.util.FormatException;
import dev.cura.core.util.Json;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.JobFailed;
import dev.cura.events.QuantConfig;
import dev.cura.events.QuantErrorStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
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
 *   <li>artifact key = {@link ArtifactKey}: SHA-256 of the base files' hash + settings + format
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
  private final BaseModelResolver resolver;
  private final ExecutorService workers;
  private final MeterRegistry meters;
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final Map<String, CompletableFuture<Artifact>> inFlight = new ConcurrentHashMap<>();
  private final Map<String, String> hashCache = new ConcurrentHashMap<>();
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
      ArtifactStore store, BaseModelResolver resolver, ExecutorService workers, MeterRegistry m) {
    this.store = store;
    this.resolver = resolver;
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
    // the duration timer of the default quantization exists (count 0) before the first job
    duration("nf4", "quantized");
  }

  private Timer duration(String quantType, String outcome) {
    return Timer.builder("cura.quantize.duration")
        .description("time to produce a quantized artifact")
        .tag("quant_type", quantType)
        .tag("outcome", outcome)
        .register(meters);
  }

  /** Marks a job cancelled; a request for it that has not been announced yet is dropped. */
  public void cancel(String jobId) {
    cancelled.add(jobId);
  }

  public boolean isCancelled(String jobId) {
    return cancelled.contains(jobId);
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
    if (cancelled.contains(req.jobId())) {
      return CompletableFuture.completedFuture(new QuantizeOutcome.Cancelled(req.jobId()));
    }
    return CompletableFuture.supplyAsync(() -> prepare(req), workers)
        .thenCompose(p -> p)
        .handle((outcome, err) -> err == null ? outcome : failure(req, unwrap(err)));
  }

  /** Resolves, hashes and keys the request (worker thread), then joins or starts the work. */
  private CompletableFuture<QuantizeOutcome> prepare(FineTuneRequested req) {
    try {
      QuantConfig qc = req.quantization();
      Path base = resolver.resolve(req.baseModel());
      String digest = baseDigest(base);
      if (req.baseModel().sha256() != null && !req.baseModel().sha256().equals(digest)) {
        LOG.warning(
            "job "
                + req.jobId()
                + ": base model digest in the request ("
                + req.baseModel().sha256()
                + ") differs from the files' digest "
                + digest
                + "; using the files'");
      }
      if (qc != null && "none".equalsIgnoreCase(qc.type())) {
        // 16-bit base requested: the base itself is the artifact
        return CompletableFuture.completedFuture(
            announce(
                req, new Artifact(digest, base, 16, new QuantErrorStats(0, 0, 0.0), true), true));
      }
      QuantizeSettings settings = settings(qc);
      String key = ArtifactKey.of(digest, settings);
      boolean[] leader = {false};
      CompletableFuture<Artifact> work =
          inFlight.computeIfAbsent(
              key,
              k -> {
                leader[0] = true;
                return CompletableFuture.supplyAsync(() -> produce(k, base, settings), workers)
                    .whenComplete((a, e) -> inFlight.remove(k));
              });
      boolean joined = !leader[0];
      return work.thenApply(a -> announce(req, a, joined || a.reused()));
    } catch (Exception e) {
      return CompletableFuture.completedFuture(failure(req, e));
    }
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
      sample.stop(duration(settings.quantType().jsonName(), outcome));
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
            a.dir().toUri().toString(),
            a.bitsPerParam(),
            a.errors(),
            cacheHit,
            req));
  }

  private String baseDigest(Path base) throws IOException {
    // re-hashing a multi-GB base per job is wasteful: remember it per (files, sizes, mtimes)
    StringBuilder id = new StringBuilder(base.toAbsolutePath().toString());
    for (Path f : CheckpointHash.files(base)) {
      id.append('|').append(f.getFileName()).append(':').append(Files.size(f));
      id.append(':').append(Files.getLastModifiedTime(f).toMillis());
    }
    String cached = hashCache.get(id.toString());
    if (cached != null) {
      return cached;
    }
    String d = CheckpointHash.of(base);
    hashCache.put(id.toString(), d);
    return d;
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
      msg = e.getMessage();
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
