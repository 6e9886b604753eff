package dev.cura.core.quantize;

import java.io.IOException;
import java.util.concurrent.Future;

/**
 * Writes on a thread of its own, in submission order, so the quantizer packs chunk k while chunk
 * k−1 goes to the file. Each write belongs to one of two buffer slots; a slot may be refilled only
 * after {@link #awaitSlot} returns. {@link #drain} waits for everything, after which the caller may
 * use the output file from its own thread again.
 */
final class WriteBehind implements AutoCloseable {
  private final IoThread io = new IoThread("quantize-write");
  private final Future<?>[] pending = new Future<?>[2];

  void submit(int slot, IoThread.Action write) {
    pending[slot] = io.submit(write);
  }

  /** Waits until the write from {@code slot} has finished (rethrows its failure). */
  void awaitSlot(int slot) throws IOException {
    Future<?> f = pending[slot];
    pending[slot] = null;
    if (f == null) {
      return;
    }
    IoThread.await(f, "writing", "write");
  }

  void drain() throws IOException {
    awaitSlot(0);
    awaitSlot(1);
  }

  @Override
  public void close() {
    io.close();
  }
}
