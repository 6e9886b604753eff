package dev.cura.cli.stack;

import dev.cura.cli.client.Printer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local stack behind {@code ./cura up | status | down}: Kafka, PostgreSQL (unless {@code
 * CURA_DB_URL} names one) and the four services, as child processes recorded in {@code
 * .cura/local/stack.json}.
 */
public final class LocalStack {
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration PG_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final StackPaths paths;
  private final PrintStream out;

  public LocalStack(StackPaths paths, PrintStream out) {
    this.paths = paths;
    this.out = out;
  }

  /**
   * Starts whatever is not running yet and waits until every service is ready.
   *
   * @param serviceTimeout how long to wait for the services' readiness
   * @param rebuild rebuild the services' fast-jars even when they exist
   * @return 0 when everything is up
   * @throws StackException with a message for the user when something cannot start
   */
  public int up(Duration serviceTimeout, boolean rebuild) throws IOException {
    Files.createDirectories(paths.logs());
    StackState.Table table = StackState.load(paths.stateFile());
    Map<String, StackState.Entry> running = running(table);
    String externalDb = externalDbUrl();

    checkPorts(running, externalDb);

    var launcher = new ServiceLauncher(paths);
    var toBuild =
        rebuild
            ? ServiceLauncher.SERVICES
            : launcher.unbuilt(
                ServiceLauncher.SERVICES.stream()
                    .filter(s -> !running.containsKey(s.name()))
                    .toList());
    if (!toBuild.isEmpty()) {
      out.println(
          "building "
              + String.join(", ", toBuild.stream().map(ServiceLauncher.Service::module).toList())
              + " (first use; a few minutes)...");
      launcher.build(toBuild);
    }

    var kafka = new KafkaLauncher(paths);
    if (running.containsKey("kafka")) {
      out.println("kafka      already running (pid " + running.get("kafka").pid() + ")");
    } else {
      out.print("kafka      starting on " + kafka.bootstrap() + " ... ");
      long t0 = System.nanoTime();
      var entry = kafka.start(KAFKA_TIMEOUT);
      table = save(StackState.with(table, entry, null));
      out.printf("ready (%.1f s)%n", seconds(t0));
    }
    kafka.createTopics();

    String dbUrl;
    if (externalDb != null) {
      dbUrl = externalDb;
      out.println("postgres   external: " + dbUrl + " (CURA_DB_URL)");
      table = save(new StackState.Table(table.entries(), dbUrl));
    } else if (running.containsKey("postgres")) {
      dbUrl = running.get("postgres").url();
      out.println("postgres   already running (pid " + running.get("postgres").pid() + ")");
    } else {
      out.print("postgres   starting ... ");
      long t0 = System.nanoTime();
      var pg = new PostgresLauncher(paths);
      var entry = pg.start(PG_TIMEOUT);
      dbUrl = entry.url();
      table = save(StackState.with(table, entry, dbUrl));
      out.printf(
          "ready on %s (%.1f s; %s)%n",
          dbUrl, seconds(t0), pg.durable() ? "durable" : "NOT durable: CURA_PG_DURABLE=false");
    }

    String apiKey = ApiKey.readOrCreate(paths.apiKey());

    var started = new ArrayList<StackState.Entry>();
    for (var s : ServiceLauncher.SERVICES) {
      if (running.containsKey(s.name())) {
        out.printf("%-10s already running (pid %d)%n", s.name(), running.get(s.name()).pid());
        continue;
      }
      var entry = launcher.start(s, dbUrl, apiKey);
      table = save(StackState.with(table, entry, null));
      started.add(entry);
    }
    awaitReady(started, serviceTimeout);
    printSummary(table, apiKey);
    return 0;
  }

  /** Prints each component, its pid, port and health. @return 0 when all are up, else 1 */
  public int status() throws IOException {
    StackState.Table table = StackState.load(paths.stateFile());
    if (table.entries().isEmpty()) {
      out.println("the local stack is not running (start it with ./cura up)");
      return 1;
    }
    boolean allUp = true;
    var rows =
        Printer.Table.start(
            out, "%-10s %-8s %-6s %-9s %s%n", "COMPONENT", "PID", "PORT", "STATE", "WHERE");
    for (var e : table.entries()) {
      String state = health(e);
      allUp &= state.equals("ready");
      rows.row(e.name(), e.pid(), e.port(), state, e.url());
    }
    if (table.dbUrl() != null
        && table.entries().stream().noneMatch(e -> e.name().equals("postgres"))) {
      rows.row("postgres", "-", "-", "external", table.dbUrl());
    }
    out.println("logs:    " + paths.logs());
    out.println("api key: " + paths.apiKey());
    return allUp ? 0 : 1;
  }

  /** Stops everything {@code up} started, newest first. @return 0 when nothing is left */
  public int down() throws IOException {
    StackState.Table table = StackState.load(paths.stateFile());
    var pg = new PostgresLauncher(paths);
    boolean clean = true;
    var entries = new ArrayList<>(table.entries());
    java.util.Collections.reverse(entries);
    if (entries.isEmpty()) {
      out.println("nothing recorded in " + paths.stateFile());
    }
    for (var e : entries) {
      Optional<ProcessHandle> p = e.process();
      if (p.isEmpty()) {
        out.printf("%-10s not running%n", e.name());
        continue;
      }
      out.printf("%-10s stopping pid %d ... ", e.name(), e.pid());
      boolean stopped = Children.stopTree(p.get(), STOP_GRACE);
      clean &= stopped;
      out.println(stopped ? "stopped" : "STILL RUNNING");
    }
    // zonky starts postgres through pg_ctl, outside the launcher's process tree
    var postmaster = pg.postmaster();
    if (postmaster.isPresent()) {
      out.printf("postgres   stopping postmaster pid %d ... ", postmaster.get().pid());
      boolean stopped = Children.stopTree(postmaster.get(), STOP_GRACE);
      clean &= stopped;
      out.println(stopped ? "stopped" : "STILL RUNNING");
    }
    if (clean) {
      Files.deleteIfExists(paths.stateFile());
    }
    return clean ? 0 : 1;
  }

  private Map<String, StackState.Entry> running(StackState.Table table) {
    var running = new LinkedHashMap<String, StackState.Entry>();
    for (var e : table.entries()) {
      if (e.process().isPresent()) {
        running.put(e.name(), e);
      }
    }
    return running;
  }

  private void checkPorts(Map<String, StackState.Entry> running, String externalDb) {
    var taken = new ArrayList<String>();
    if (!running.containsKey("kafka")) {
      for (int port : new int[] {KafkaLauncher.PORT, KafkaLauncher.CONTROLLER_PORT}) {
        if (!Children.portFree(port)) {
          taken.add(port + " (kafka)");
        }
      }
    }
    for (var s : ServiceLauncher.SERVICES) {
      if (!running.containsKey(s.name()) && !Children.portFree(s.port())) {
        taken.add(s.port() + " (" + s.name() + ")");
      }
    }
    if (!taken.isEmpty()) {
      throw new StackException(
          "port(s) already in use by processes ./cura up did not start: "
              + String.join(", ", taken)
              + ". Stop them (e.g. `ss -ltnp` shows who listens) and run ./cura up again.");
    }
    if (externalDb == null
        && !running.containsKey("postgres")
        && new PostgresLauncher(paths).postmaster().isPresent()) {
      throw new StackException(
          "a PostgreSQL from an earlier ./cura up still runs on "
              + paths.pgData()
              + "; run ./cura down first");
    }
  }

  private void awaitReady(List<StackState.Entry> started, Duration timeout) {
    if (started.isEmpty()) {
      return;
    }
    out.println("waiting for " + started.size() + " service(s) to be ready (/q/health/ready) ...");
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    var pending = new ArrayList<>(started);
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      for (var it = pending.iterator(); it.hasNext(); ) {
        var e = it.next();
        // liveness of the pid we just started, not its command line: until the JVM has been
        // exec'd (jspawnhelper, setsid) /proc/<pid>/cmdline does not show the marker yet
        if (ProcessHandle.of(e.pid()).filter(ProcessHandle::isAlive).isEmpty()) {
          throw new StackException(
              e.name()
                  + " exited during start; see "
                  + paths.log(e.name())
                  + " (./cura down stops the rest)");
        }
        if (ServiceLauncher.readiness(e.port()) == 200) {
          out.printf("%-10s ready on %s (%.1f s)%n", e.name(), e.url(), seconds(t0));
          it.remove();
        }
      }
      Children.sleep(500);
    }
    if (!pending.isEmpty()) {
      throw new StackException(
          "not ready within "
              + timeout.toSeconds()
              + " s: "
              + String.join(
                  ", ",
                  pending.stream().map(e -> e.name() + " (" + paths.log(e.name()) + ")").toList())
              + "; ./cura status shows the state, ./cura down stops everything");
    }
  }

  private void printSummary(StackState.Table table, String apiKey) {
    out.println();
    out.println("CURA local stack is up:");
    for (var e : table.entries()) {
      out.printf("  %-10s %s (pid %d)%n", e.name(), e.url(), e.pid());
    }
    if (table.entries().stream().noneMatch(e -> e.name().equals("postgres"))) {
      out.printf("  %-10s %s (external)%n", "postgres", table.dbUrl());
    }
    out.println("  api key    " + paths.apiKey() + "  (tenant default, admin)");
    out.println("  logs       " + paths.logs());
    out.println("  artifacts  " + paths.artifacts());
    out.println(
        "try:  curl -H \"Authorization: Bearer $(cat .cura/local/api-key)\" http://127.0.0.1:"
            + ServiceLauncher.GATEWAY_PORT
            + "/v1/models");
    out.println("stop: ./cura down");
  }

  private String health(StackState.Entry e) {
    if (e.process().isEmpty()) {
      return "stopped";
    }
    if (e.name().equals("kafka") || e.name().equals("postgres")) {
      return Children.listening(e.port()) ? "ready" : "starting";
    }
    int code = ServiceLauncher.readiness(e.port());
    return code == 200 ? "ready" : code < 0 ? "starting" : "down(" + code + ")";
  }

  private StackState.Table save(StackState.Table table) throws IOException {
    StackState.save(paths.stateFile(), table);
    return table;
  }

  /** {@code CURA_DB_URL} in the reactive client's form ({@code jdbc:} prefix dropped), or null. */
  static String externalDbUrl() {
    String url = System.getenv("CURA_DB_URL");
    if (url == null || url.isBlank()) {
      return null;
    }
    url = url.trim();
    if (url.startsWith("jdbc:")) {
      url = url.substring("jdbc:".length());
    }
    if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
      throw new StackException(
          "CURA_DB_URL must look like postgresql://host:port/database, got '" + url + "'");
    }
    return url;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** A problem the user can fix; its message is printed without a stack trace. */
  public static final class StackException extends RuntimeException {
    public StackException(String message) {
      super(message);
    }
  }
}
