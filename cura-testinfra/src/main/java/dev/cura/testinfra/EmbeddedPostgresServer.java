package dev.cura.testinfra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

  /**
   * Runs a {@code select count(*) …} with plain JDBC (not through the service's Hibernate) and
   * returns the count; {@code args} fill the statement's {@code ?} in order.
   */
  public static int count(String sql, Object... args) {
    Connection pg = connection();
    try (var conn = DriverManager.getConnection("jdbc:" + pg.reactiveUrl, pg.user, pg.password);
        var st = conn.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        st.setObject(i + 1, args[i]);
      }
      try (var rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + sql, e);
    }
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
   * Stops the server the way a failover does — fast shutdown (SIGINT to the postmaster): open
   * connections are cut, the data stays; {@link #startAgain()} brings it back on the same port. For
   * outage tests; not with {@code -Dinfra.external=true}.
   */
  public static synchronized void stop() {
    connection();
    requireEmbedded();
    try {
      long pid =
          Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
      ProcessHandle postmaster =
          ProcessHandle.of(pid)
              .orElseThrow(() -> new IllegalStateException("no postmaster " + pid));
      // pg_ctl refuses to run as root; the signal is what "pg_ctl stop -m fast" sends
      run(List.of("kill", "-INT", Long.toString(pid)));
      postmaster.onExit().get(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("could not stop PostgreSQL: " + e, e);
    }
  }

  /** Starts the server stopped by {@link #stop()} again, same data and port, and waits for it. */
  public static synchronized void startAgain() {
    requireEmbedded();
    try (var dirs = Files.list(workDir)) {
      Path postgres =
          dirs.map(d -> d.resolve("bin/postgres"))
              .filter(Files::isExecutable)
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no bin/postgres under " + workDir));
      var cmd = new java.util.ArrayList<String>();
      if ("root".equals(System.getProperty("user.name"))) {
        // PostgreSQL refuses to run as root; zonky starts it in a user namespace, so do we
        cmd.addAll(List.of("unshare", "-U"));
      }
      cmd.addAll(
          List.of(
              postgres.toString(),
              "-D",
              dataDir.toString(),
              "-p",
              Integer.toString(port),
              "-F",
              "-c",
              "synchronous_commit=off",
              "-c",
              "max_connections=300",
              "-c",
              "timezone=UTC"));
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dataDir.resolve("restart.log").toFile())
              .start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> signal(p.pid()), "cura-test-pg-restarted-stop"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      // the port opens before recovery ends ("the database system is starting up"): wait for a
      // login that succeeds, not for the socket
      while (!acceptsLogins()) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "PostgreSQL did not come back: " + Files.readString(dataDir.resolve("restart.log")));
        }
        Thread.sleep(200);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void requireEmbedded() {
    if (dataDir == null) {
      throw new IllegalStateException("only the embedded PostgreSQL can be stopped and started");
    }
  }

  private static boolean acceptsLogins() {
    Connection c = connection;
    try (var conn =
        java.sql.DriverManager.getConnection("jdbc:" + c.reactiveUrl(), c.user(), c.password())) {
      return conn.isValid(5);
    } catch (java.sql.SQLException e) {
      return false;
    }
  }

  private static void signal(long pid) {
    try {
      run(List.of("kill", "-INT", Long.toString(pid)));
    } catch (Exception ignored) {
      // the JVM is going away
    }
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
