package dev.cura.cli.quant;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The baseline of the quantizer benchmark: read every file and write the same bytes elsewhere, with
 * the same I/O pattern the quantizer uses (positional FileChannel reads into one 16 MiB direct
 * buffer, sequential FileChannel writes).
 */
public final class PlainCopy {
  private PlainCopy() {}

  /** Copies {@code files} into {@code dest}; returns bytes copied. */
  public static long copy(List<Path> files, Path dest) throws IOException {
    Files.createDirectories(dest);
    long total = 0;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(16 << 20, 64);
      ByteBuffer buf = seg.asByteBuffer();
      for (Path f : files) {
        try (FileChannel in = FileChannel.open(f, StandardOpenOption.READ);
            FileChannel out =
                FileChannel.open(
                    dest.resolve(f.getFileName().toString()),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
          long pos = 0;
          while (true) {
            buf.clear();
            int r = in.read(buf, pos);
            if (r < 0) {
              break;
            }
            pos += r;
            buf.flip();
            while (buf.hasRemaining()) {
              out.write(buf);
            }
          }
          total += pos;
        }
      }
    }
    return total;
  }
}
