package dev.cura.core.quantize;

import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.safetensors.TensorInfo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Future;

/**
 * Streams a tensor's bytes in fixed-size chunks through two reusable buffers, reading chunk k+1 on
 * its own thread while the caller processes chunk k. Reads go through the file channel (not the
 * mapping), so pages stay in the OS cache and out of this process's resident set.
 */
final class ChunkReader implements AutoCloseable {
  /** Receives one chunk of a tensor's bytes. */
  interface ChunkConsumer {
    void accept(MemorySegment chunk, long byteOffset) throws IOException;
  }

  private final MemorySegment[] raw = new MemorySegment[2];
  private final IoThread io = new IoThread("quantize-read");

  /** Two buffers of {@code bufferBytes} each, from {@code arena} (must be a shared arena). */
  ChunkReader(Arena arena, long bufferBytes) {
    raw[0] = arena.allocate(bufferBytes, 64);
    raw[1] = arena.allocate(bufferBytes, 64);
  }

  long bufferBytes() {
    return raw[0].byteSize();
  }

  /** Streams tensor {@code t} of {@code f} in chunks of {@code chunkBytes} (≤ buffer size). */
  void stream(SafetensorsFile f, TensorInfo t, long chunkBytes, ChunkConsumer consumer)
      throws IOException {
    if (chunkBytes <= 0 || chunkBytes > bufferBytes()) {
      throw new IllegalArgumentException("chunk of " + chunkBytes + " bytes does not fit");
    }
    long total = t.byteSize();
    long chunks = (total + chunkBytes - 1) / chunkBytes;
    Future<?> pending = chunks > 0 ? readAhead(f, t, 0, chunkBytes, raw[0]) : null;
    for (long k = 0; k < chunks; k++) {
      long off = k * chunkBytes;
      long len = Math.min(chunkBytes, total - off);
      IoThread.await(pending, "reading", "read");
      if (k + 1 < chunks) {
        pending = readAhead(f, t, off + chunkBytes, chunkBytes, raw[(int) ((k + 1) % 2)]);
      }
      consumer.accept(raw[(int) (k % 2)].asSlice(0, len), off);
    }
  }

  private Future<?> readAhead(
      SafetensorsFile f, TensorInfo t, long off, long chunkBytes, MemorySegment dst) {
    long len = Math.min(chunkBytes, t.byteSize() - off);
    return io.submit(() -> f.read(t, off, dst.asSlice(0, len)));
  }

  @Override
  public void close() {
    io.close();
  }
}
