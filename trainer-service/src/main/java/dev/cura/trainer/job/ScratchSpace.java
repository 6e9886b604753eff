package dev.cura.trainer.job;

import dev.cura.core.util.FileTrees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Local scratch of one trainer process: {@code <root>/<random>/}, held by an OS file lock on its
 * {@code .lock} file for as long as the process lives. A trainer that dies (SIGKILL, OOM kill)
 * leaves its scratch behind — engine output, copied checkpoints, paged optimizer files — and the
 * next trainer that starts on the same root deletes every sibling whose lock it can take, i.e.
 * whose owner is gone. Two live trainers sharing a root never touch each other's scratch.
 */
public final class ScratchSpace implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ScratchSpace.class);
  private static final String LOCK = ".lock";

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;

  private ScratchSpace(Path dir, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
  }

  /** Creates this process's scratch under {@code root} and removes the ones of dead trainers. */
  public static ScratchSpace open(Path root) throws IOException {
    Files.createDirectories(root);
    Path dir = root.resolve(UUID.randomUUID().toString());
    Files.createDirectories(dir);
    FileChannel ch =
        FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = ch.lock();
    var space = new ScratchSpace(dir, ch, lock);
    space.removeAbandoned(root);
    return space;
  }

  /** This process's scratch directory. */
  public Path dir() {
    return dir;
  }

  private void removeAbandoned(Path root) throws IOException {
    try (Stream<Path> siblings = Files.list(root)) {
      for (Path other : siblings.filter(p -> !p.equals(dir)).toList()) {
        if (Files.isDirectory(other) && abandoned(other)) {
          LOG.infof("removing the scratch of a trainer that is gone: %s", other);
          deleteTree(other);
        }
      }
    }
  }

  /** True when nobody holds {@code other}'s lock (or it has none: not a live trainer's). */
  private static boolean abandoned(Path other) {
    Path lockFile = other.resolve(LOCK);
    if (!Files.exists(lockFile)) {
      return true;
    }
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      if (l == null) {
        return false;
      }
      l.release();
      return true;
    } catch (OverlappingFileLockException e) {
      return false; // held by this JVM (another trainer instance in the same process)
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      LOG.warnf("could not release %s: %s", dir, e.getMessage());
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path p) {
    try {
      FileTrees.delete(p);
    } catch (IOException e) {
      LOG.warnf("could not remove %s: %s", p, e.getMessage());
    }
  }
}
