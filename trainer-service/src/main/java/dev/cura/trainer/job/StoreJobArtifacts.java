package dev.cura.trainer.job;

import dev.cura.core.store.ArtifactStore;
import dev.cura.core.store.DirectoryDigest;
import dev.cura.core.store.Sha256;
import dev.cura.events.EventDecodingException;
import dev.cura.events.References;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * {@link JobArtifacts} over cura-core's {@link ArtifactStore}. Adapters and checkpoints are keyed
 * by their {@link DirectoryDigest}. A reference is only ever {@code cas:sha256/<key>} ({@link
 * References}): nothing outside the store is opened. What is read is verified first — an artifact
 * against its manifest (every file re-hashed), a dataset's bytes against its SHA-256.
 */
public final class StoreJobArtifacts implements JobArtifacts {
  private static final Logger LOG = Logger.getLogger(StoreJobArtifacts.class);

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
    String digest = store.putCopy(dir);
    return new Stored(digest, store.uriOf(digest), store.pathOf(digest));
  }

  @Override
  public Path directory(String uri, String digest) throws IOException {
    String key = key("artifact", uri);
    if (digest != null && !key.equals(digest)) {
      throw JobException.user(
          "artifact " + uri + " is stored under " + key + ", the event says " + digest);
    }
    return verified(uri, key)
        .orElseThrow(() -> JobException.user("artifact " + uri + " is not in the store"));
  }

  @Override
  public Path file(String uri, String sha256) throws IOException {
    String key = key("dataset", uri);
    if (!key.equals(sha256)) {
      throw JobException.user(
          "dataset " + uri + " must be stored under its SHA-256 " + sha256 + ", it names " + key);
    }
    Path dir;
    try {
      dir =
          store
              .get(key)
              .orElseThrow(() -> JobException.user("dataset " + uri + " is not in the store"));
    } catch (IOException e) {
      LOG.warnf("dataset %s is damaged: %s", uri, e.getMessage());
      throw JobException.user("dataset " + uri + " is damaged (its files do not match the store)");
    }
    Path file = singleFile(uri, dir);
    String actual = Sha256.ofFile(file);
    if (!actual.equals(sha256)) {
      throw JobException.user(
          "dataset " + uri + " must have SHA-256 " + sha256 + ", its bytes have " + actual);
    }
    return file;
  }

  /** The store key of a content address, or a user error for anything else. */
  private static String key(String what, String uri) {
    try {
      return References.casDigest(what, uri);
    } catch (EventDecodingException e) {
      throw JobException.user(e.getMessage(), e);
    }
  }

  /** The artifact's directory after re-hashing it against its manifest. */
  private Optional<Path> verified(String uri, String key) {
    try {
      return store.getVerified(key);
    } catch (IOException e) {
      // the details name server paths: the log has them, the job's owner gets the gist
      LOG.warnf("artifact %s is damaged: %s", uri, e.getMessage());
      throw JobException.user(
          "artifact " + uri + " is damaged (its files do not match the store's manifest)", e);
    }
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
