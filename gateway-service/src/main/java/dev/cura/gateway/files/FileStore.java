package dev.cura.gateway.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Puts uploaded files into the content-addressed artifact store: {@code
 * <root>/sha256/<digest>/<name>}, written to a temporary file first and moved into place
 * atomically, so a reader never sees half a file and the same bytes are stored once. The URI given
 * to other services is {@code cas:sha256/<digest>/<name>}, relative to their own artifact root (a
 * shared volume in k8s).
 */
public final class FileStore {
  /** A stored file. */
  public record Stored(String sha256, long bytes, Path path, String uri) {}

  private final Path root;

  public FileStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** Copies {@code source} into the store under {@code name} ({@code data.jsonl}). */
  public Stored put(Path source, String name) throws IOException {
    Path tmpDir = root.resolve("tmp");
    Files.createDirectories(tmpDir);
    Path tmp = tmpDir.resolve(UUID.randomUUID() + ".part");
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long bytes;
    try (InputStream in = Files.newInputStream(source);
        OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
      bytes = in.transferTo(out);
    }
    String digest = HexFormat.of().formatHex(sha.digest());
    Path dir = root.resolve("sha256").resolve(digest);
    Path target = dir.resolve(name);
    try {
      if (Files.exists(target) && Files.size(target) == bytes) {
        return new Stored(digest, bytes, target, uri(digest, name));
      }
      Files.createDirectories(dir);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      } catch (FileAlreadyExistsException e) {
        // a concurrent upload of the same bytes won; content addressing makes both equal
      }
      return new Stored(digest, bytes, target, uri(digest, name));
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The path of a stored file, or of what would be stored, for a digest and name. */
  public Path path(String digest, String name) {
    return root.resolve("sha256").resolve(digest).resolve(name);
  }

  static String uri(String digest, String name) {
    return "cas:sha256/" + digest + "/" + name;
  }
}
