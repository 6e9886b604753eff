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
 * <p>The server is durable: a commit returns once its WAL is flushed to disk ({@code fsync=on},
 * {@code synchronous_commit=on}, PostgreSQL's defaults), so an accepted job survives a crash of the
 * machine. zonky's defaults are a test database's ({@code -F}, i.e. fsync off, and {@code
 * synchronous_commit=off}); they are overridden here. {@value #NOT_DURABLE} turns them back on, for
 * measuring what durability costs ({@code ./cura bench gateway --pg-not-durable}).
 *
 * <p>Usage: {@code PostgresMain <data-dir> <work-dir> <port> <ready-file> [--not-durable]}; writes
 * the port to {@code ready-file} once the server accepts connections.
 */
public final class PostgresMain {
  /** The optional fifth argument: fsync and synchronous commit off (data lost on a crash). */
  public static final String NOT_DURABLE = "--not-durable";

  private PostgresMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 4 && !(args.length == 5 && args[4].equals(NOT_DURABLE))) {
      System.err.println(
          "usage: PostgresMain <data-dir> <work-dir> <port> <ready-file> [" + NOT_DURABLE + "]");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int port = Integer.parseInt(args[2]);
    Path ready = Path.of(args[3]);
    boolean durable = args.length == 4;
    Files.createDirectories(data);
    Files.createDirectories(work);
    EmbeddedPostgres started;
    try {
      started = start(data, work, port, durable);
    } catch (IOException | RuntimeException | Error e) {
      // an interrupted earlier run can leave half-unpacked binaries that zonky does not redo
      System.err.println("postgres start failed (" + e + "); unpacking the binaries again");
      FileTrees.delete(work);
      Files.createDirectories(work);
      started = start(data, work, port, durable);
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
    System.out.println(
        "postgres ready on 127.0.0.1:"
            + pg.getPort()
            + ", data "
            + data
            + (durable ? ", durable (fsync on)" : ", NOT durable (fsync off)"));
    stopped.await();
  }

  /** Starts the server; the caller closes it. */
  static EmbeddedPostgres start(Path data, Path work, int port, boolean durable)
      throws IOException {
    String on = durable ? "on" : "off";
    return EmbeddedPostgres.builder()
        .setOverrideWorkingDirectory(work.toFile())
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        // passed as -c after zonky's own -F, so they win over it
        .setServerConfig("fsync", on)
        .setServerConfig("synchronous_commit", on)
        .start();
  }
}
