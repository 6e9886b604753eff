package dev.cura.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Content digest of a directory (an adapter, a checkpoint): SHA-256 over the lines {@code
 * "<relative path> <size> <sha256 of the file>\n"} of its regular files, sorted by path, '/' as
 * separator; the store's own manifest is left out. Same files → same digest wherever the directory
 * lives, so storing an identical adapter twice yields one artifact. The trainer names adapters and
 * checkpoints by it; the registry re-computes it to verify what it registers.
 */
public final class DirectoryDigest {
  private DirectoryDigest() {}

  /** The digest of {@code dir} (lower-case hex). */
  public static String of(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().equals(ArtifactStore.MANIFEST))
              .sorted((a, b) -> relative(dir, a).compareTo(relative(dir, b)))
              .toList();
    }
    if (files.isEmpty()) {
      throw new IOException(dir + ": an artifact needs at least one file, found none");
    }
    var lines = new StringBuilder();
    for (Path f : files) {
      lines
          .append(relative(dir, f))
          .append(' ')
          .append(Files.size(f))
          .append(' ')
          .append(Sha256.ofFile(f))
          .append('\n');
    }
    return Sha256.ofString(lines.toString());
  }

  private static String relative(Path dir, Path file) {
    return dir.relativize(file).toString().replace('\\', '/');
  }
}
