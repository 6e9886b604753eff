package dev.cura.registry.adapters;

import dev.cura.core.store.ArtifactStore;
import dev.cura.core.store.DirectoryDigest;
import dev.cura.core.store.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and verifies adapters in the artifact store. An adapter's digest is its directory digest —
 * SHA-256 over the lines {@code "<relative path> <size> <sha256>\n"} of its files sorted by path,
 * the store's manifest left out (the trainer's {@code DirectoryDigest}) — and also its store key.
 */
public final class AdapterArtifacts {
  /** The two files of a PEFT adapter that the registry serves. */
  public static final List<String> FILES =
      List.of("adapter_config.json", "adapter_model.safetensors");

  /** One verified file. */
  public record FileInfo(long bytes, String sha256) {}

  private final ArtifactStore store;

  public AdapterArtifacts(Path root) {
    this.store = new ArtifactStore(root);
  }

  /** The adapter's directory (whether or not it exists). */
  public Path dir(String digest) {
    return store.pathOf(digest);
  }

  /**
   * Checks that the adapter is in the store, intact (manifest re-hashed), complete (both PEFT
   * files) and that its content digest is {@code digest}.
   *
   * @return the served files with size and SHA-256
   * @throws IllegalArgumentException saying what does not match
   */
  public Map<String, FileInfo> verify(String digest) throws IOException {
    if (!Sha256.isDigest(digest)) {
      throw new IllegalArgumentException(
          "adapter digest must be 64 lowercase hex digits, got '" + digest + "'");
    }
    Path dir = store.pathOf(digest);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("adapter " + digest + " is not in the artifact store");
    }
    try {
      store.verify(digest);
    } catch (IOException e) {
      throw new IllegalArgumentException("adapter " + digest + " is damaged: " + e.getMessage());
    }
    var files = new LinkedHashMap<String, FileInfo>();
    for (String name : FILES) {
      Path f = dir.resolve(name);
      if (!Files.isRegularFile(f)) {
        throw new IllegalArgumentException("adapter " + digest + " has no " + name);
      }
      files.put(name, new FileInfo(Files.size(f), Sha256.ofFile(f)));
    }
    String actual = directoryDigest(dir);
    if (!actual.equals(digest)) {
      throw new IllegalArgumentException(
          "adapter content digest is " + actual + ", the event says " + digest);
    }
    return files;
  }

  /** The directory digest ({@link DirectoryDigest}, the formula the trainer names adapters by). */
  public static String directoryDigest(Path dir) throws IOException {
    return DirectoryDigest.of(dir);
  }
}
