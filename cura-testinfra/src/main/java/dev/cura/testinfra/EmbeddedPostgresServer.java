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
      return new Connection(
          "postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "postgres", "postgres");
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL", e);
    }
  }
}
