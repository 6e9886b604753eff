package dev.cura.core.quantize;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A daemon thread of its own that runs IO actions in submission order, so that the quantizer's
 * compute overlaps its reads ({@link ChunkReader}) and writes ({@link WriteBehind}). An action's
 * {@link IOException} reaches the thread that awaits it unchanged.
 */
final class IoThread implements AutoCloseable {
  /** One IO action. */
  interface Action {
    void run() throws IOException;
  }

  private final ExecutorService io;

  /**
   * @param name the thread's name, e.g. {@code quantize-read}
   */
  IoThread(String name) {
    this.io =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
  }

  /** Queues {@code action} behind the ones submitted before it. */
  Future<?> submit(Action action) {
    return io.submit(
        () -> {
          action.run();
          return null;
        });
  }

  /**
   * Waits until {@code f} has finished; rethrows its {@link IOException}, wraps any other.
   *
   * @param doing what {@code f} does, for messages: {@code reading}
   * @param done what a failed {@code f} did, for messages: {@code read}
   */
  static void await(Future<?> f, String doing, String done) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while " + doing, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(done + " failed: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() {
    io.shutdownNow();
  }
}
