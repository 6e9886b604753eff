package dev.cura.trainer.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventCodec;
import dev.cura.events.EventEnvelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The durable state of one training job, kept in the shared artifact root under {@code jobs/<job
 * id>/} so that any trainer instance can pick the job up:
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
 * </ul>
 *
 * <p>Files are small JSON; every write goes to a temp file in the same directory first, so a reader
 * never sees a partial file.
 */
public final class JobLedger {
  /** Job ids become directory names; anything else (slashes, dots only, …) is refused. */
  private static final Pattern SAFE_JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final EventCodec codec;

  private JobLedger(Path dir, EventCodec codec) {
    this.dir = dir;
    this.codec = codec;
  }

  /**
   * The ledger of {@code jobId} under {@code artifactRoot}/jobs (the directory is created on first
   * write).
   *
   * @throws JobException (user error) when the job id cannot be a directory name
   */
  public static JobLedger open(Path artifactRoot, String jobId, EventCodec codec) {
    if (jobId == null || !SAFE_JOB_ID.matcher(jobId).matches()) {
      throw JobException.user(
          "job id must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a"
              + " letter or digit, got '"
              + jobId
              + "'");
    }
    return new JobLedger(artifactRoot.resolve("jobs").resolve(jobId), codec);
  }

  /** The job's directory ({@code <root>/jobs/<job id>}). */
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
    Path tmp = writeTemp(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    Files.move(
        tmp,
        dir.resolve("checkpoint.json"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
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
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    Path target = dir.resolve("outcome.json");
    Path tmp = writeTemp(bytes);
    try {
      Files.createLink(target, tmp);
    } catch (FileAlreadyExistsException e) {
      // another trainer ended the job first: its outcome stands
    } catch (UnsupportedOperationException | FileSystemException e) {
      // a volume without hard links: exclusive create still lets only the first writer in
      try {
        Files.write(target, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException taken) {
        // another trainer ended the job first
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return outcome().orElseThrow(() -> new IOException(dir + ": outcome.json vanished"));
  }

  private Path writeTemp(byte[] bytes) throws IOException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
    Files.write(tmp, bytes);
    return tmp;
  }
}
