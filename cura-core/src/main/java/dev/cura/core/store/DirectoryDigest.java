package dev.cura.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The one content digest of a directory in CURA — a base model directory, an adapter, a checkpoint:
 * SHA-256 over the lines {@code "<relative path> <size> <sha256 of the file>\n"} of its regular
 * files, sorted by path, '/' as separator; the store's own manifest is left out. Same files → same
 * digest wherever the directory lives. The gateway records it when a base model is registered, the
 * quantizer checks the model against it before reading, the trainer names adapters and checkpoints
 * by it and the registry re-computes it to verify what it registers.
 */
public final class DirectoryDigest {
  private DirectoryDigest() {}

  /** The digest of {@code dir} (lower-case hex). */
  public static String of(Path dir) throws IOException {
    return of(dir, real -> true);
  }

  /**
   * The digest of {@code dir}, refusing a file whose real path (symbolic links followed) fails
   * {@code allowed} — a link out of the model roots or the store.
   *
   * @throws IllegalArgumentException naming the file (relative to {@code dir}) that leads outside
   */
  public static String of(Path dir, Predicate<Path> allowed) throws IOException {
    var lines = new StringBuilder();
    for (Path f : files(dir)) {
      String rel = relative(dir, f);
      if (!allowed.test(f.toRealPath())) {
        throw new IllegalArgumentException(
            "'" + rel + "' is a link to a file outside the allowed roots; refusing it");
      }
      lines
          .append(rel)
          .append(' ')
          .append(Files.size(f))
          .append(' ')
          .append(Sha256.ofFile(f))
          .append('\n');
    }
    return Sha256.ofString(lines.toString());
  }

  /**
   * A cheap stand-in for the digest: the same lines with the modification time in place of the
   * content hash. Equal fingerprints mean the files were (almost certainly) not touched, so a
   * digest computed for one can be reused for the other.
   */
  public static String fingerprint(Path dir) throws IOException {
    var lines = new StringBuilder(dir.toAbsolutePath().toString()).append('\n');
    for (Path f : files(dir)) {
      lines
          .append(relative(dir, f))
          .append(' ')
          .append(Files.size(f))
          .append(' ')
          .append(Files.getLastModifiedTime(f).toMillis())
          .append('\n');
    }
    return lines.toString();
  }

  /** The files the digest covers, in digest order. */
  private static List<Path> files(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().equals(ArtifactStore.MANIFEST))
              .sorted((a, b) -> relative(dir, a).compareTo(relative(dir, b)))
              .toList();
    }
    if (files.isEmpty()) {
      throw new IOException(dir + ": a directory digest needs at least one file, found none");
    }
    return files;
  }

  private static String relative(Path dir, Path file) {
    return dir.relativize(file).toString().replace('\\', '/');
  }
}
