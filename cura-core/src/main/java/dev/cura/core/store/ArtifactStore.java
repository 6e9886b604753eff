package dev.cura.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.util.FileTrees;
import dev.cura.core.util.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Content-addressed artifact store on a filesystem (DESIGN §4): an artifact with key {@code d} (a
 * SHA-256 hex digest) lives in {@code <root>/sha256/<d>/}. It is written into {@code
 * <root>/tmp/<random>/} and renamed into place atomically, so readers see all of it or none; a
 * {@code .cura-manifest.json} inside lists every file with size and SHA-256, checked on read (sizes
 * always, contents with {@link #verify}). Concurrent writers of the same key are safe: the first
 * rename wins, the loser's copy is discarded.
 */
public final class ArtifactStore {
  public static final String MANIFEST = ".cura-manifest.json";

  /** Prefix of a content address ({@code cas:sha256/<key>}; cura-events' {@code References}). */
  public static final String CAS_PREFIX = "cas:sha256/";

  private final Path root;

  /** A writer of an artifact's files into the given (empty) directory. */
  @FunctionalInterface
  public interface Producer {
    void write(Path dir) throws IOException;
  }

  public ArtifactStore(Path root) {
    this.root = root.toAbsolutePath();
  }

  public Path root() {
    return root;
  }

  /** Where the artifact with {@code key} lives (whether or not it exists). */
  public Path pathOf(String key) {
    if (!Sha256.isDigest(key)) {
      throw new IllegalArgumentException(
          "artifact key must be 64 lower-case hex digits, got " + key);
    }
    return root.resolve("sha256").resolve(key);
  }

  /**
   * The artifact's content address, {@code cas:sha256/<key>}: how events refer to it (never by its
   * path, which differs between machines that mount the store in different places).
   */
  public String uriOf(String key) {
    pathOf(key); // validates the key
    return CAS_PREFIX + key;
  }

  /**
   * The artifact's directory if it is present and its manifest matches the file sizes; empty if
   * absent. A present but damaged artifact is an error (not silently rebuilt over).
   */
  public Optional<Path> get(String key) throws IOException {
    Path dir = pathOf(key);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    checkManifest(dir, false);
    return Optional.of(dir);
  }

  /** Re-hashes every file of the artifact against its manifest. */
  public void verify(String key) throws IOException {
    Path dir = pathOf(key);
    if (!Files.isDirectory(dir)) {
      throw new IOException("artifact " + key + " is not in the store");
    }
    checkManifest(dir, true);
  }

  /**
   * The artifact's directory after re-hashing every file against its manifest (what a process does
   * before it reads an artifact in: a damaged or tampered file is found here, not mid-read); empty
   * if absent.
   */
  public Optional<Path> getVerified(String key) throws IOException {
    Optional<Path> dir = get(key);
    if (dir.isPresent()) {
      checkManifest(dir.get(), true);
    }
    return dir;
  }

  /**
   * Returns the artifact, producing it first if absent: {@code producer} writes into a temporary
   * directory, which gets a manifest and is renamed to {@code sha256/<key>}.
   */
  public Path putIfAbsent(String key, Producer producer) throws IOException {
    Optional<Path> have = get(key);
    if (have.isPresent()) {
      return have.get();
    }
    Path tmp = root.resolve("tmp").resolve(key + "-" + UUID.randomUUID());
    Files.createDirectories(tmp);
    try {
      producer.write(tmp);
      writeManifest(tmp);
      Path dest = pathOf(key);
      Files.createDirectories(dest.getParent());
      try {
        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        // another writer finished first; theirs is equivalent
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("artifact store needs atomic renames within " + root, e);
      }
      return dest;
    } finally {
      FileTrees.delete(tmp);
    }
  }

  /**
   * Puts a copy of the regular files of {@code dir} into the store, keyed by their {@link
   * DirectoryDigest} (the content decides the key: the same files stored twice are one artifact).
   * The copy is hashed again before it is renamed into place, so a source that changed meanwhile is
   * an error rather than an artifact whose key lies.
   *
   * @return the key
   */
  public String putCopy(Path dir) throws IOException {
    String key = DirectoryDigest.of(dir);
    putIfAbsent(
        key,
        tmp -> {
          FileTrees.copy(dir, tmp, rel -> rel.toString().equals(MANIFEST));
          String copied = DirectoryDigest.of(tmp);
          if (!copied.equals(key)) {
            throw new IOException(dir + " changed while it was copied into the store");
          }
        });
    return key;
  }

  private static void writeManifest(Path dir) throws IOException {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("version", 1);
    ObjectNode files = m.putObject("files");
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        String rel = dir.relativize(p).toString();
        ObjectNode f = files.putObject(rel);
        f.put("size", Files.size(p));
        f.put("sha256", Sha256.ofFile(p));
      }
    }
    Files.writeString(dir.resolve(MANIFEST), Json.MAPPER.writeValueAsString(m));
  }

  private static void checkManifest(Path dir, boolean hashes) throws IOException {
    Path mf = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(mf)) {
      throw new IOException(dir + ": artifact has no " + MANIFEST + " (incomplete or foreign)");
    }
    JsonNode files = Json.MAPPER.readTree(mf.toFile()).path("files");
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
        String rel = dir.relativize(p).toString();
        if (!rel.equals(MANIFEST) && !files.has(rel)) {
          throw new IOException(dir + ": " + rel + " is not in the artifact's manifest");
        }
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Path p = dir.resolve(e.getKey()).normalize();
      if (!p.startsWith(dir) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(dir + ": artifact file " + e.getKey() + " is missing");
      }
      long size = e.getValue().path("size").asLong(-1);
      if (Files.size(p) != size) {
        throw new IOException(
            dir + ": " + e.getKey() + " has " + Files.size(p) + " bytes, manifest says " + size);
      }
      if (hashes && !Sha256.ofFile(p).equals(e.getValue().path("sha256").asText())) {
        throw new IOException(dir + ": " + e.getKey() + " does not match its SHA-256");
      }
    }
  }
}
