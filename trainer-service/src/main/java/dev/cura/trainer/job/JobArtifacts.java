package dev.cura.trainer.job;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The trainer's view of the shared, content-addressed artifact store: where quantized bases and
 * datasets are read from and adapters and checkpoints are put. Implemented over cura-core's {@code
 * ArtifactStore} ({@link StoreJobArtifacts}).
 */
public interface JobArtifacts {

  /** An artifact in the store. */
  record Stored(String digest, String uri, Path dir) {}

  /** The store's root; job-scoped state lives under {@code <root>/jobs/}. */
  Path root();

  /** Puts a complete directory (adapter, checkpoint) into the store, keyed by its content. */
  Stored put(Path dir) throws IOException;

  /**
   * The local directory of a stored artifact (the quantized base, a checkpoint).
   *
   * @throws JobException (user error) when the URI names no readable artifact or the content does
   *     not match {@code digest}
   */
  Path directory(String uri, String digest) throws IOException;

  /**
   * The local file behind a dataset reference, checked against its SHA-256.
   *
   * @throws JobException (user error) when the file is missing or its bytes do not match
   */
  Path file(String uri, String sha256) throws IOException;
}
