package dev.cura.trainer.job;

import dev.cura.core.store.ArtifactStore;
import dev.cura.core.store.DirectoryDigest;
import dev.cura.core.store.Sha256;
import dev.cura.core.util.FileTrees;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@link JobArtifacts} over cura-core's {@link ArtifactStore}. Adapters and checkpoints are keyed
 * by their {@link DirectoryDigest}. References are read in three forms: {@code cas:sha256/<key>}, a
 * {@code file:} URI, or a plain path; a reference into the store is checked against the store's
 * manifest, a dataset file against its SHA-256.
 */
public final class StoreJobArtifacts implements JobArtifacts {
  private static final String CAS_PREFIX = "cas:sha256/";

  private final ArtifactStore store;

  public StoreJobArtifacts(ArtifactStore store) {
    this.store = store;
  }

  @Override
  public Path root() {
    return store.root();
  }

  @Override
  public Stored put(Path dir) throws IOException {
    String digest = DirectoryDigest.of(dir);
    Path stored =
        store.putIfAbsent(
            digest,
            tmp ->
                FileTrees.copy(
                    dir,
                    tmp,
                    rel -> rel.toString().equals(ArtifactStore.MANIFEST),
                    StandardCopyOption.COPY_ATTRIBUTES));
    return new Stored(digest, store.uriOf(digest), stored);
  }

  @Override
  public Path directory(String uri, String digest) throws IOException {
    Path path = localPath(uri);
    Optional<String> key = storeKey(path);
    if (key.isPresent()) {
      if (digest != null && !key.get().equals(digest)) {
        throw JobException.user(
            "artifact " + uri + " is stored under " + key.get() + ", the event says " + digest);
      }
      try {
        return store
            .get(key.get())
            .orElseThrow(() -> JobException.user("artifact " + uri + " is not in the store"));
      } catch (IOException e) {
        throw JobException.user("artifact " + uri + " is damaged: " + e.getMessage(), e);
      }
    }
    if (!Files.isDirectory(path)) {
      throw JobException.user("artifact " + uri + " must be a directory, found none at " + path);
    }
    return path;
  }

  @Override
  public Path file(String uri, String sha256) throws IOException {
    Path path = localPath(uri);
    if (Files.isDirectory(path)) {
      path = singleFile(uri, path);
    }
    if (!Files.isRegularFile(path)) {
      throw JobException.user("dataset " + uri + " is not readable: no file at " + path);
    }
    String actual = Sha256.ofFile(path);
    if (!actual.equals(sha256)) {
      throw JobException.user(
          "dataset " + uri + " must have SHA-256 " + sha256 + ", its bytes have " + actual);
    }
    return path;
  }

  private Path localPath(String uri) {
    try {
      if (uri.startsWith(CAS_PREFIX)) {
        return store.pathOf(uri.substring(CAS_PREFIX.length()));
      }
      if (uri.startsWith("file:")) {
        return Path.of(URI.create(uri));
      }
      return Path.of(uri);
    } catch (IllegalArgumentException e) {
      throw JobException.user(
          "reference must be cas:sha256/<digest>, a file: URI or a path, got '" + uri + "'", e);
    }
  }

  /** The store key when {@code path} is an artifact directory of this store. */
  private Optional<String> storeKey(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent != null && parent.equals(store.root().resolve("sha256").normalize())) {
      return Optional.of(abs.getFileName().toString());
    }
    return Optional.empty();
  }

  /** A stored single-file artifact (an uploaded dataset): its one file besides the manifest. */
  private static Path singleFile(String uri, Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().equals(ArtifactStore.MANIFEST))
              .toList();
    }
    if (files.size() != 1) {
      throw JobException.user(
          "dataset " + uri + " must hold exactly one file, found " + files.size());
    }
    return files.get(0);
  }
}
