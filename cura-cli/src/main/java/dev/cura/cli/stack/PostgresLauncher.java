package dev.cura.cli.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The local PostgreSQL: {@link PostgresMain} as a child JVM holding zonky's embedded server, on a
 * free port, data under the stack's {@code pg} directory. Durable ({@link PostgresMain}) unless
 * {@code CURA_PG_DURABLE=false}.
 */
public final class PostgresLauncher {
  private final StackPaths paths;
  private final boolean durable;

  /** Durable unless the environment says {@code CURA_PG_DURABLE=false}. */
  public PostgresLauncher(StackPaths paths) {
    this(paths, !"false".equalsIgnoreCase(System.getenv("CURA_PG_DURABLE")));
  }

  public PostgresLauncher(StackPaths paths, boolean durable) {
    this.paths = paths;
    this.durable = durable;
  }

  /** Whether commits wait for the disk (fsync and synchronous commit on). */
  public boolean durable() {
    return durable;
  }

  /** Starts the server and waits until it accepts connections. */
  public StackState.Entry start(Duration timeout) throws IOException {
    int port = Children.freePort();
    Path ready = paths.local().resolve("pg/ready");
    Files.createDirectories(ready.getParent());
    Files.deleteIfExists(ready);
    Files.createDirectories(paths.tmp());
    var cmd =
        new java.util.ArrayList<>(
            List.of(
                Children.java(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + paths.tmp(),
                "-cp",
                System.getProperty("java.class.path"),
                PostgresMain.class.getName(),
                paths.pgData().toString(),
                paths.pgWork().toString(),
                Integer.toString(port),
                ready.toString()));
    if (!durable) {
      cmd.add(PostgresMain.NOT_DURABLE);
    }
    Process p = Children.spawn(cmd, Map.of(), paths.repo(), paths.log("postgres"));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Children.checkStarting(p, "PostgreSQL", paths.log("postgres"));
      if (Files.exists(ready) && Children.listening(port)) {
        return new StackState.Entry(
            "postgres", p.pid(), port, PostgresMain.class.getName(), reactiveUrl(port));
      }
      Children.sleep(200);
    }
    Children.stopTree(p.toHandle(), Duration.ofSeconds(10));
    throw new IOException(
        "PostgreSQL did not start within " + timeout + "; see " + paths.log("postgres"));
  }

  /** The URL the services' reactive client takes. */
  public static String reactiveUrl(int port) {
    return "postgresql://127.0.0.1:" + port + "/postgres";
  }

  /**
   * The postmaster's pid from its pid file, when the server still runs. Zonky starts postgres
   * through pg_ctl, so it is not a descendant of {@link PostgresMain}; {@code down} stops it by
   * this pid when the launcher could not.
   */
  public java.util.Optional<ProcessHandle> postmaster() {
    Path pidFile = paths.pgData().resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return java.util.Optional.empty();
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(
              h -> Children.commandLine(h.pid()).map(c -> c.contains("postgres")).orElse(false));
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }
}
