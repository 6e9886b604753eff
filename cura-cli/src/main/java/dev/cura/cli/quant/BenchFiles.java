package dev.cura.cli.quant;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** Page-cache control for benchmarks that compare file-bound work. */
public final class BenchFiles {
  private BenchFiles() {}

  /** Regular files under {@code dir} (recursively), or none if it does not exist. */
  public static List<Path> list(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** Writes the files' dirty pages to disk and waits for it (fsync each). */
  public static void fsync(List<Path> files) throws IOException {
    for (Path f : files) {
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
  }

  /**
   * warm: reads every file once so it is in the page cache; cold: asks the kernel to drop the
   * files' clean cached pages ({@code dd iflag=nocache count=0}, which works without root).
   */
  public static void prepareCache(List<Path> files, String mode) throws IOException {
    if (mode.equals("warm")) {
      ByteBuffer buf = ByteBuffer.allocateDirect(8 << 20);
      for (Path f : files) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
          long pos = 0;
          int r;
          while ((r = ch.read(buf.clear(), pos)) > 0) {
            pos += r;
          }
        }
      }
      return;
    }
    for (Path f : files) {
      try {
        Process p =
            new ProcessBuilder("dd", "if=" + f, "iflag=nocache", "count=0")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor() != 0) {
          throw new IOException("dd iflag=nocache failed for " + f);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }
}
