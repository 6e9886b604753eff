package dev.cura.cli.stack;

import dev.cura.core.util.FileTrees;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Child process of {@code ./cura up}: runs a PostgreSQL server from zonky's embedded binaries on a
 * given port with a persistent data directory (initialised on first use, kept across restarts),
 * until it gets SIGTERM, then stops the server cleanly.
 *
 * <p>Usage: {@code PostgresMain <data-dir> <work-dir> <port> <ready-file>}; writes the port to
 * {@code ready-file} once the server accepts connections.
 */
public final class PostgresMain {
  private PostgresMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 4) {
      System.err.println("usage: PostgresMain <data-dir> <work-dir> <port> <ready-file>");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int port = Integer.parseInt(args[2]);
    Path ready = Path.of(args[3]);
    Files.createDirectories(data);
    Files.createDirectories(work);
    EmbeddedPostgres started;
    try {
      started = start(data, work, port);
    } catch (IOException | RuntimeException | Error e) {
      // an interrupted earlier run can leave half-unpacked binaries that zonky does not redo
      System.err.println("postgres start failed (" + e + "); unpacking the binaries again");
      FileTrees.delete(work);
      Files.createDirectories(work);
      started = start(data, work, port);
    }
    EmbeddedPostgres pg = started;
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    pg.close();
                    System.out.println("postgres stopped");
                  } catch (IOException e) {
                    System.err.println("postgres stop failed: " + e.getMessage());
                  }
                  stopped.countDown();
                },
                "postgres-stop"));
    Files.writeString(ready, Integer.toString(pg.getPort()));
    System.out.println("postgres ready on 127.0.0.1:" + pg.getPort() + ", data " + data);
    stopped.await();
  }

  private static EmbeddedPostgres start(Path data, Path work, int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setOverrideWorkingDirectory(work.toFile())
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }
}
