package dev.cura.trainer.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.store.JobOwners;
import dev.cura.core.util.AtomicFiles;
import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The durable state of one training job, kept in the shared artifact root under {@code
 * tenants/<tenant>/jobs/<job id>/} so that any trainer instance can pick the job up — keyed by
 * tenant and job, so one tenant's job id can never open another tenant's state (and {@link
 * dev.cura.core.store.JobOwners} refuses a job id another tenant used first):
 *
 * <ul>
 *   <li>{@code checkpoint.json}: the latest checkpoint ({@code step}, {@code digest}, {@code uri}
 *       of the checkpoint directory in the content-addressed store). Replaced atomically (temp +
 *       rename), never moved backwards.
 *   <li>{@code outcome.json}: the job's terminal event ({@code AdapterTrained}, or {@code
 *       JobFailed} for a failed or cancelled job) exactly as first published: CloudEvents headers
 *       and JSON value. Written once: the first writer wins (hard link of a complete temp file,
 *       which fails when the name exists), so two trainers that raced on one job still agree on one
 *       outcome, and a redelivered request re-publishes the same event (same event id, same adapter
 *       digest) instead of training again.
 *   <li>{@code attempts.json}: runs since the job last made progress (a new checkpoint) that did
 *       not end on their own — a run whose trainer died (native out-of-memory, an abort, SIGKILL) —
 *       counted by where they died: in their first training step (where a job's memory peaks:
 *       bounded tightly) or elsewhere (while loading, or after a step: a trainer killed from
 *       outside dies there whatever its job; bounded generously). Bounded, so a job that kills its
 *       trainer is failed instead of redelivered forever.
 *   <li>{@code lease/}: the epoch fence of {@link JobLease}.
 * </ul>
 *
 * <p>Files are small JSON; every write goes to a temp file in the same directory first, so a reader
 * never sees a partial file. Writes other than the outcome happen only while holding the job's
 * {@link JobLease}.
 */
public final class JobLedger {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final EventCodec codec;

  private JobLedger(Path dir, EventCodec codec) {
    this.dir = dir;
    this.codec = codec;
  }

  /**
   * The ledger of the tenant's job under {@code artifactRoot}/tenants (the directory is created on
   * first write).
   *
   * @throws JobException (user error) when the tenant or job id cannot be a directory name
   */
  public static JobLedger open(Path artifactRoot, String tenant, String jobId, EventCodec codec) {
    try {
      JobOwners.requireSafe("tenant", tenant);
      JobOwners.requireSafe("job id", jobId);
    } catch (IllegalArgumentException e) {
      throw JobException.user(e.getMessage(), e);
    }
    return new JobLedger(
        artifactRoot.resolve("tenants").resolve(tenant).resolve("jobs").resolve(jobId), codec);
  }

  /** The job's directory ({@code <root>/tenants/<tenant>/jobs/<job id>}). */
  public Path dir() {
    return dir;
  }

  /** A checkpoint of the job in the artifact store. */
  public record CheckpointRecord(long step, String digest, String uri) {}

  /** The latest recorded checkpoint, if any. */
  public Optional<CheckpointRecord> latestCheckpoint() throws IOException {
    Path file = dir.resolve("checkpoint.json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode n = JSON.readTree(file.toFile());
    if (!n.path("step").canConvertToLong()
        || !n.path("digest").isTextual()
        || !n.path("uri").isTextual()) {
      throw new IOException(file + ": expected {step, digest, uri}, got " + n);
    }
    return Optional.of(
        new CheckpointRecord(
            n.get("step").asLong(), n.get("digest").asText(), n.get("uri").asText()));
  }

  /**
   * Records {@code checkpoint} as the latest, unless a later step is recorded already (a slower
   * trainer that lost the job must not move the pointer back).
   */
  public synchronized void recordCheckpoint(CheckpointRecord checkpoint) throws IOException {
    Optional<CheckpointRecord> current = latestCheckpoint();
    if (current.isPresent() && current.get().step() > checkpoint.step()) {
      return;
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("step", checkpoint.step());
    n.put("digest", checkpoint.digest());
    n.put("uri", checkpoint.uri());
    AtomicFiles.replace(
        dir.resolve("checkpoint.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
  }

  /**
   * Runs of the job that died since it last made progress (a new checkpoint), as {@link
   * #startAttempt} finds them.
   *
   * @param inFirstStep runs that died after reaching training and before completing their first
   *     step — where a job's memory peaks, so where a job that is too big for its worker (native
   *     out-of-memory) or that crashes the engine kills it
   * @param elsewhere runs that died while loading (before training) or after completing a step: a
   *     trainer killed from outside (a restart, a node drain, crash chaos) dies there whatever its
   *     job, so these count against a more generous bound
   */
  public record Deaths(int inFirstStep, int elsewhere) {}

  /**
   * A run starts now; the previous run of the job, if it neither ended on its own ({@link
   * #endAttempt}) nor recorded a newer checkpoint, died, and is counted by where it died: after
   * {@link #trainingStarted} and before {@link #firstStepDone}, or elsewhere. A checkpoint newer
   * than the one recorded when the counted runs started resets both counts (the job makes progress,
   * so its trainers die of something else).
   *
   * @return the runs before this one that died without progress
   */
  public synchronized Deaths startAttempt() throws IOException {
    long checkpoint = checkpointStep();
    JsonNode n = attempts();
    int firstStep = 0;
    int elsewhere = 0;
    if (n != null && n.path("checkpoint_step").asLong(-1) == checkpoint) {
      firstStep = Math.max(0, n.path("first_step").asInt(0));
      elsewhere = Math.max(0, n.path("elsewhere").asInt(0));
      switch (n.path("phase").asText()) {
        case "first_step" -> firstStep++;
        case "loading", "training" -> elsewhere++;
        default -> {} // ended on its own, or no run yet
      }
    }
    writeAttempts(checkpoint, "loading", firstStep, elsewhere);
    return new Deaths(firstStep, elsewhere);
  }

  /** The run of {@link #startAttempt} reached training: model, data and optimizer state loaded. */
  public synchronized void trainingStarted() throws IOException {
    setPhase("first_step");
  }

  /** The run of {@link #startAttempt} completed its first step. */
  public synchronized void firstStepDone() throws IOException {
    setPhase("training");
  }

  /** The run of {@link #startAttempt} ended on its own (stopped, finished, failed). */
  public synchronized void endAttempt() throws IOException {
    setPhase("ended");
  }

  private void setPhase(String phase) throws IOException {
    JsonNode n = attempts();
    if (n != null) {
      // the checkpoint the counts refer to stays the one of the run's start
      writeAttempts(
          n.path("checkpoint_step").asLong(-1),
          phase,
          n.path("first_step").asInt(0),
          n.path("elsewhere").asInt(0));
    }
  }

  private JsonNode attempts() throws IOException {
    Path file = dir.resolve("attempts.json");
    return Files.isRegularFile(file) ? JSON.readTree(file.toFile()) : null;
  }

  private long checkpointStep() throws IOException {
    return latestCheckpoint().map(CheckpointRecord::step).orElse(-1L);
  }

  /**
   * @param checkpoint the job's latest checkpoint step when the latest run started
   * @param phase of the latest run: {@code loading}, {@code first_step}, {@code training} or {@code
   *     ended}
   * @param firstStep earlier runs since that checkpoint that died in their first step
   * @param elsewhere earlier runs since that checkpoint that died while loading or after a step
   */
  private void writeAttempts(long checkpoint, String phase, int firstStep, int elsewhere)
      throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("checkpoint_step", checkpoint);
    n.put("phase", phase);
    n.put("first_step", firstStep);
    n.put("elsewhere", elsewhere);
    AtomicFiles.replace(dir.resolve("attempts.json"), JSON.writeValueAsBytes(n));
  }

  /** The job's terminal event, if the job has ended. */
  public Optional<EventEnvelope<CuraEvent>> outcome() throws IOException {
    Path file = dir.resolve("outcome.json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode n = JSON.readTree(file.toFile());
    var headers = new LinkedHashMap<String, String>();
    n.path("headers")
        .fields()
        .forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    if (!n.path("value").isTextual() || headers.isEmpty()) {
      throw new IOException(file + ": expected {headers, value}, got " + n);
    }
    return Optional.of(
        codec.decode(headers, n.get("value").asText().getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Records the job's terminal event unless one is recorded already.
   *
   * @return the recorded outcome: {@code envelope}, or the one another writer recorded first
   */
  public EventEnvelope<CuraEvent> recordOutcome(EventEnvelope<? extends CuraEvent> envelope)
      throws IOException {
    EncodedEvent encoded = codec.encode(envelope);
    ObjectNode n = JSON.createObjectNode();
    ObjectNode h = n.putObject("headers");
    encoded.headers().forEach(h::put);
    n.put("value", encoded.valueAsString());
    // first writer wins: another trainer that ended the job first keeps its outcome
    AtomicFiles.createOnce(
        dir.resolve("outcome.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    return outcome().orElseThrow(() -> new IOException(dir + ": outcome.json vanished"));
  }
}
