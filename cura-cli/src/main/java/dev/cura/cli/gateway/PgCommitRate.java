package dev.cura.cli.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ceiling PostgreSQL puts on durable submissions: single-row {@code INSERT} commits per second
 * into a table of the same database, with as many clients as the gateway bench has connections.
 * Measured with {@code pgbench} (Debian package {@code postgresql-client}), a light C client; where
 * it is missing, with a JDBC loop in this JVM (heavier on a small machine; the report says which).
 */
final class PgCommitRate {
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
  private static final Pattern FAILED = Pattern.compile("number of failed transactions: (\\d+)");
  static final String INSERT = "INSERT INTO bench_commit (job_id) VALUES ('ftjob-bench')";

  /**
   * A measurement.
   *
   * @param tool {@code pgbench} or {@code jdbc}
   */
  record Result(double perSecond, long failed, String tool) {}

  private PgCommitRate() {}

  static Result measure(int port, int clients, int threads, Duration duration, Path dir)
      throws IOException, SQLException, InterruptedException {
    String jdbc = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
        var st = c.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS bench_commit (id bigserial PRIMARY KEY,"
              + " job_id text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
    }
    String pgbench = Machine.onPath("pgbench");
    return pgbench != null
        ? pgbench(pgbench, port, clients, threads, duration, dir)
        : jdbc(jdbc, clients, duration);
  }

  private static Result pgbench(
      String pgbench, int port, int clients, int threads, Duration d, Path dir)
      throws IOException, InterruptedException {
    Path script = dir.resolve("commit.sql");
    Files.writeString(script, INSERT + ";\n");
    var cmd =
        List.of(
            pgbench,
            "-n",
            "-c" + clients,
            "-j" + threads,
            "-T" + d.toSeconds(),
            "-f",
            script.toString(),
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-U",
            "postgres",
            "postgres");
    var pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", "postgres");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(d.toSeconds() + 60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("pgbench failed: " + out.strip());
    }
    return parse(out);
  }

  /** Reads pgbench's report. */
  static Result parse(String out) throws IOException {
    Matcher tps = TPS.matcher(out);
    if (!tps.find()) {
      throw new IOException("pgbench printed no tps: " + out.strip());
    }
    Matcher failed = FAILED.matcher(out);
    return new Result(
        Double.parseDouble(tps.group(1)),
        failed.find() ? Long.parseLong(failed.group(1)) : 0,
        "pgbench");
  }

  private static Result jdbc(String url, int clients, Duration d) throws InterruptedException {
    var done = new AtomicLong();
    var failed = new AtomicLong();
    long end = System.nanoTime() + d.toNanos();
    var threads = new ArrayList<Thread>();
    long t0 = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                        var ps = c.prepareStatement(INSERT)) {
                      while (System.nanoTime() < end) {
                        ps.executeUpdate();
                        done.incrementAndGet();
                      }
                    } catch (SQLException e) {
                      failed.incrementAndGet();
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return new Result(done.get() / ((System.nanoTime() - t0) / 1e9), failed.get(), "jdbc");
  }
}
