package dev.cura.core.util;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Small files written so that a reader — another thread, process or machine on a shared volume —
 * never sees half of one: the bytes go to a temporary file in the same directory first.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code target}, replacing it atomically (temp + rename). */
  public static void replace(Path target, byte[] bytes) throws IOException {
    Path tmp = writeTemp(target, bytes);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Creates {@code target} with {@code bytes} unless it exists: the first writer wins, also when
   * writers race on a shared volume (hard link of a complete temp file, which fails when the name
   * exists; exclusive create where the volume has no hard links).
   *
   * @return true when this call created it
   */
  public static boolean createOnce(Path target, byte[] bytes) throws IOException {
    Path tmp = writeTemp(target, bytes);
    try {
      Files.createLink(target, tmp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | FileSystemException e) {
      try {
        Files.write(target, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException taken) {
        return false;
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Path writeTemp(Path target, byte[] bytes) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
    Files.write(tmp, bytes);
    return tmp;
  }
}
