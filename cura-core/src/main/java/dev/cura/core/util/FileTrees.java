package dev.cura.core.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Whole directory trees: delete one, copy one. The one copy of these walks in CURA. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Deletes a file or a directory with everything below it, children first; nothing when {@code p}
   * does not exist.
   *
   * @throws IOException naming the first entry that could not be deleted (the rest stay)
   */
  public static void delete(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> entries;
    try (Stream<Path> s = Files.walk(p)) {
      entries = s.sorted(Comparator.reverseOrder()).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (Path x : entries) {
      Files.deleteIfExists(x);
    }
  }

  /** {@link #delete} for best-effort cleanup: false (and the tree partly left) on failure. */
  public static boolean deleteQuietly(Path p) {
    try {
      delete(p);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Copies the tree under {@code from} to {@code to} (directories created as needed), leaving out
   * entries whose path relative to {@code from} matches {@code skip}.
   */
  public static void copy(Path from, Path to, Predicate<Path> skip, CopyOption... options)
      throws IOException {
    List<Path> entries;
    try (Stream<Path> s = Files.walk(from)) {
      entries = s.toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (Path p : entries) {
      Path rel = from.relativize(p);
      if (skip.test(rel)) {
        continue;
      }
      Path dest = to.resolve(rel.toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(dest);
      } else {
        Files.copy(p, dest, options);
      }
    }
  }
}
