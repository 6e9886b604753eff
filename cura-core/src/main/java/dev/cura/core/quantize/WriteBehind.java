package dev.cura.core.quantize;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes on a thread of its own, in submission order, so the quantizer packs chunk k while chunk
 * k−1 goes to the file. Each write belongs to one of two buffer slots; a slot may be refilled only
 * after {@link #awaitSlot} returns. {@link #drain} waits for everything, after which the caller may
 * use the output file from its own thread again.
 */
final class WriteBehind implements AutoCloseable {
  /** One write. */
  interface Write {
    void run() throws IOException;
  }

  private final ExecutorService io =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "quantize-write");
            t.setDaemon(true);
            return t;
          });
  private final Future<?>[] pending = new Future<?>[2];

  void submit(int slot, Write w) {
    pending[slot] =
        io.submit(
            () -> {
              w.run();
              return null;
            });
  }

  /** Waits until the write from {@code slot} has finished (rethrows its failure). */
  void awaitSlot(int slot) throws IOException {
    Future<?> f = pending[slot];
    pending[slot] = null;
    if (f == null) {
      return;
    }
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("write failed: " + e.getCause(), e.getCause());
    }
  }

  void drain() throws IOException {
    awaitSlot(0);
    awaitSlot(1);
  }

  @Override
  public void close() {
    io.shutdownNow();
  }
}
