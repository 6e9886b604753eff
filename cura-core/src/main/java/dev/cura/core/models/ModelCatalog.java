package dev.cura.core.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The registered base models, shared by the services through the artifact root (a shared volume in
 * k8s): {@code <root>/models/<name>.json} = {@code {"name", "path", "sha256", "registered_at"}}.
 * Registering a model (the gateway's {@code POST /v1/models}) binds its name to the real path of
 * its directory inside the model roots and to its {@link dev.cura.core.store.DirectoryDigest}; the
 * quantizer reads exactly that directory, and only while its files still have that digest. Entries
 * are replaced atomically (temp + rename), so a reader sees an old or a new binding, never half.
 */
public final class ModelCatalog {
  /** Catalog names are plain file names (the event contract's model names are a subset). */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** One registration. */
  public record Entry(String name, Path path, String sha256, Instant registeredAt) {}

  private final Path dir;

  /** The catalog under {@code artifactRoot}/models. */
  public ModelCatalog(Path artifactRoot) {
    this.dir = artifactRoot.toAbsolutePath().resolve("models");
  }

  /** Binds {@code entry.name()} to its directory and digest, replacing an earlier binding. */
  public void put(Entry entry) throws IOException {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("name", checkName(entry.name()));
    n.put("path", entry.path().toString());
    n.put("sha256", entry.sha256());
    n.put("registered_at", entry.registeredAt().toString());
    Files.createDirectories(dir);
    Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
    try {
      Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
      Files.move(
          tmp,
          dir.resolve(entry.name() + ".json"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The registration of {@code name}; empty when there is none (or the name cannot be one).
   *
   * @throws IOException when the entry exists but cannot be read as one
   */
  public Optional<Entry> get(String name) throws IOException {
    if (name == null || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    Path file = dir.resolve(name + ".json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("model catalog entry " + file + " is not JSON", e);
    }
    if (!n.path("path").isTextual() || !n.path("sha256").isTextual()) {
      throw new IOException("model catalog entry " + file + " lacks path or sha256");
    }
    return Optional.of(
        new Entry(
            name,
            Path.of(n.get("path").asText()),
            n.get("sha256").asText(),
            Instant.parse(n.path("registered_at").asText(Instant.EPOCH.toString()))));
  }

  private static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a model name must be a plain file name of A-Z, a-z, 0-9, '.', '_' or '-', got '"
              + name
              + "'");
    }
    return name;
  }
}
