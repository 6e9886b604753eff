package dev.cura.core.models;

import dev.cura.core.hf.CheckpointDir;
import dev.cura.core.store.DirectoryDigest;
import dev.cura.core.util.FormatException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the directory of a base model named in a job: exactly the directory its registration binds
 * the name to ({@link ModelCatalog}), and only when that directory is still inside this service's
 * model roots ({@link ModelRoots}, links followed) and its files still have the registered {@link
 * DirectoryDigest}. Every refusal is a {@link FormatException} (the job's user error) whose message
 * names the model but no server path.
 *
 * <p>Hashing a multi-GB model per job is wasteful: a digest is remembered per {@link
 * DirectoryDigest#fingerprint} (paths, sizes, modification times) of the directory.
 */
public final class RegisteredModels {
  private static final int MAX_CACHED = 1024;

  /** A usable base model. */
  public record Resolved(String name, Path dir, String sha256) {}

  private final ModelCatalog catalog;
  private final ModelRoots roots;
  private final Map<String, String> digests = new ConcurrentHashMap<>();

  public RegisteredModels(ModelCatalog catalog, ModelRoots roots) {
    this.catalog = catalog;
    this.roots = roots;
  }

  /** The model roots this service reads from. */
  public ModelRoots roots() {
    return roots;
  }

  /**
   * The registered directory of {@code name}.
   *
   * @param expectedSha256 the digest the job names, or null for "whatever is registered"
   * @throws FormatException when the model is not registered, not usable here, or its digest does
   *     not match the registration or the job's
   */
  public Resolved resolve(String name, String expectedSha256) throws IOException {
    ModelCatalog.Entry entry =
        catalog
            .get(name)
            .orElseThrow(
                () ->
                    refused(name, "is not registered; an admin registers it with POST /v1/models"));
    if (expectedSha256 != null && !expectedSha256.equals(entry.sha256())) {
      throw new FormatException(
          "the job names base model '"
              + name
              + "' with digest "
              + expectedSha256
              + ", but the registered model has "
              + entry.sha256());
    }
    Path real;
    try {
      real = entry.path().toRealPath();
    } catch (NoSuchFileException e) {
      throw refused(name, "is registered, but its directory is gone; register it again");
    }
    if (!roots.contains(real)) {
      throw refused(
          name,
          "is registered for a directory outside this service's model roots (CURA_MODEL_ROOTS);"
              + " refusing to read it");
    }
    if (!CheckpointDir.isCheckpoint(real)) {
      throw refused(
          name,
          "is no longer a Hugging Face checkpoint (config.json and model.safetensors expected);"
              + " register it again");
    }
    String digest = digest(name, real);
    if (!digest.equals(entry.sha256())) {
      throw refused(
          name,
          "changed since it was registered: its files have digest "
              + digest
              + ", the registration says "
              + entry.sha256()
              + "; register it again");
    }
    return new Resolved(name, real, digest);
  }

  private String digest(String name, Path real) throws IOException {
    String fingerprint = DirectoryDigest.fingerprint(real);
    String cached = digests.get(fingerprint);
    if (cached != null) {
      return cached;
    }
    String d;
    try {
      d = DirectoryDigest.of(real, roots::contains);
    } catch (IllegalArgumentException e) {
      throw new FormatException("base model '" + name + "': " + e.getMessage());
    }
    if (digests.size() >= MAX_CACHED) {
      digests.clear();
    }
    digests.put(fingerprint, d);
    return d;
  }

  /** Why base model {@code name} cannot be used: {@code base model '<name>' <why>}. */
  private static FormatException refused(String name, String why) {
    return new FormatException("base model '" + name + "' " + why);
  }
}
