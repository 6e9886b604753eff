package dev.cura.gateway.files;

import dev.cura.core.store.ArtifactStore;
import dev.cura.core.store.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts uploaded files into the content-addressed artifact store (cura-core's {@link
 * ArtifactStore}): the key is the SHA-256 of the file's bytes and the artifact holds the one file
 * {@code data.jsonl} (plus the store's manifest). Written atomically, stored once per content. The
 * URI given to other services is {@code cas:sha256/<digest>}, which the trainer resolves against
 * its own artifact root (a shared volume in k8s) and checks against the digest.
 */
public final class FileStore {
  /** Name of the file inside a dataset artifact. */
  public static final String DATA_FILE = "data.jsonl";

  /** A stored file. */
  public record Stored(String sha256, long bytes, Path path, String uri) {}

  private final ArtifactStore store;

  public FileStore(Path root) {
    this.store = new ArtifactStore(root);
  }

  /** Where the bytes of the file with this digest are (whether or not they are there). */
  public Path path(String sha256) {
    return store.pathOf(sha256).resolve(DATA_FILE);
  }

  /** Hashes {@code source} and stores it unless the same bytes are there already. */
  public Stored put(Path source) throws IOException {
    String digest = Sha256.ofFile(source);
    Path dir = store.putIfAbsent(digest, tmp -> Files.copy(source, tmp.resolve(DATA_FILE)));
    Path file = dir.resolve(DATA_FILE);
    return new Stored(digest, Files.size(file), file, "cas:sha256/" + digest);
  }
}
