package dev.cura.testinfra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL 17 server (zonky's embedded binaries) started once per test JVM on a free port,
 * data under {@code java.io.tmpdir}; or, with {@code -Dinfra.external=true}, the external one.
 * Stopped by a shutdown hook.
 */
public final class EmbeddedPostgresServer {
  /** Connection settings in the form the Quarkus reactive client takes them. */
  public record Connection(String reactiveUrl, String user, String password) {}

  private static Connection connection;
  private static Path workDir;
  private static Path dataDir;
  private static int port;

  private EmbeddedPostgresServer() {}

  /** Starts the server on first call and returns how to reach it. */
  public static synchronized Connection connection() {
    if (connection == null) {
      connection =
          InfraSettings.external()
              ? new Connection(
                  InfraSettings.externalPgUrl(),
                  InfraSettings.externalPgUser(),
                  InfraSettings.externalPgPassword())
              : start();
    }
    return connection;
  }

  private static Connection start() {
    try {
      Path work = InfraSettings.scratch().resolve("embedded-pg");
      Files.createDirectories(work);
      Path data = Files.createTempDirectory(InfraSettings.scratch(), "pg-data-");
      workDir = work;
      dataDir = data;
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setOverrideWorkingDirectory(work.toFile())
              .setDataDirectory(data)
              .setCleanDataDirectory(true)
              .start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      pg.close();
                    } catch (IOException ignored) {
                      // the JVM is going away; the data directory is under target/
                    }
                  },
                  "cura-test-pg-stop"));
      port = pg.getPort();
      return new Connection(
          "postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "postgres", "postgres");
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL", e);
    }
  }

  /**
   * Stops the server (fast shutdown: open connections are cut, as in a failover), keeping its data;
   * {@link #startAgain()} brings it back on the same port. For outage tests; not with {@code
   * -Dinfra.external=true}.
   */
  public static synchronized void stop() {
    pgCtl("-m", "fast", "stop");
  }

  /** Starts the server stopped by {@link #stop()} again, same data and port. */
  public static synchronized void startAgain() {
    pgCtl(
        "-o",
        "-p " + port + " -h 127.0.0.1",
        "-l",
        dataDir.resolve("restart.log").toString(),
        "start");
  }

  private static void pgCtl(String... args) {
    connection();
    if (dataDir == null) {
      throw new IllegalStateException("only the embedded PostgreSQL can be stopped and started");
    }
    try (var dirs = Files.list(workDir)) {
      Path pgCtl =
          dirs.map(d -> d.resolve("bin/pg_ctl"))
              .filter(Files::isExecutable)
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no bin/pg_ctl under " + workDir));
      var cmd = new java.util.ArrayList<String>();
      cmd.add(pgCtl.toString());
      cmd.add("-D");
      cmd.add(dataDir.toString());
      cmd.add("-w");
      cmd.addAll(java.util.List.of(args));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException("pg_ctl " + String.join(" ", args) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
