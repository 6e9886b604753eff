package dev.cura.cli.gateway;

import dev.cura.cli.client.CuraClient;
import dev.cura.cli.stack.ApiKey;
import dev.cura.cli.stack.Children;
import dev.cura.cli.stack.KafkaLauncher;
import dev.cura.cli.stack.PostgresLauncher;
import dev.cura.cli.stack.ServiceLauncher;
import dev.cura.cli.stack.StackPaths;
import dev.cura.cli.stack.StackState;
import dev.cura.core.util.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The private stack {@code ./cura bench gateway} measures: a Kafka broker, a PostgreSQL (the same
 * launchers, hence the same settings, as {@code ./cura up}: durable unless asked otherwise) and the
 * gateway alone, on free ports, under {@code .cura/bench/gateway}. The benchmark's tens of
 * thousands of jobs land here, not in the user's stack, and no quantizer or trainer picks them up;
 * a running {@code ./cura up} is left alone. {@link #close()} stops everything; the logs stay.
 */
public final class BenchStack implements AutoCloseable {
  static final String MODEL = "bench-model";
  private static final Duration START = Duration.ofSeconds(120);

  private final StackPaths paths;
  private final List<ProcessHandle> started = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Thread stopOnExit = new Thread(this::stop, "bench-stack-stop");
  private volatile PostgresLauncher pg;
  private String bootstrap;
  private int pgPort;
  private StackState.Entry gateway;
  private String apiKey;

  private BenchStack(StackPaths paths) {
    this.paths = paths;
  }

  /**
   * Starts the stack and registers the benchmark's base model.
   *
   * @param repo the repository ({@code ./cura}'s home)
   * @param pgDurable whether PostgreSQL commits wait for the disk ({@code ./cura up}'s default)
   * @param gatewayJavaOptions extra JVM options of the gateway (e.g. a flight recording)
   */
  public static BenchStack start(
      StackPaths repo, boolean pgDurable, List<String> gatewayJavaOptions, PrintStream out)
      throws IOException {
    Path dir = repo.repo().resolve(".cura/bench/gateway");
    FileTrees.delete(dir);
    var stack = new BenchStack(new StackPaths(repo.repo(), dir));
    // an interrupted bench (Ctrl-C, SIGTERM) stops its stack too: the children run in their own
    // sessions and would outlive the CLI
    Runtime.getRuntime().addShutdownHook(stack.stopOnExit);
    try {
      stack.startAll(pgDurable, gatewayJavaOptions, out);
      return stack;
    } catch (IOException | RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(boolean pgDurable, List<String> javaOptions, PrintStream out)
      throws IOException {
    var service = ServiceLauncher.service("gateway").onPort(Children.freePort());
    Path models = paths.local().resolve("models");
    var builder = new ServiceLauncher(paths);
    if (!builder.unbuilt(List.of(service)).isEmpty()) {
      out.println("building gateway-service (first use)...");
      builder.build(List.of(service));
    }
    long t0 = System.nanoTime();
    var kafka = new KafkaLauncher(paths, Children.freePort(), Children.freePort());
    started.add(handle(kafka.start(START)));
    kafka.createTopics();
    bootstrap = kafka.bootstrap();
    pg = new PostgresLauncher(paths, pgDurable);
    var pgEntry = pg.start(START);
    started.add(handle(pgEntry));
    pgPort = pgEntry.port();
    apiKey = ApiKey.readOrCreate(paths.apiKey());
    gateway =
        new ServiceLauncher(
                paths,
                bootstrap,
                Map.of(
                    "CURA_MODEL_ROOTS", models.toString(),
                    "CURA_ARTIFACT_ROOT", paths.artifacts().toString()),
                javaOptions)
            .start(service, pgEntry.url(), apiKey);
    started.add(handle(gateway));
    awaitGateway();
    // the gateway hashes a base model when it is registered; the benchmark needs no real weights
    Path model = Files.createDirectories(models.resolve(MODEL));
    Files.writeString(model.resolve("config.json"), "{\"model_type\":\"llama\"}");
    Files.write(model.resolve("model.safetensors"), new byte[4096]);
    client().post("v1/models", Map.of("id", MODEL, "path", model.toString()));
    out.printf(
        "private stack up in %.0f s under %s: kafka %s, postgres port %d (%s), gateway %s%n",
        (System.nanoTime() - t0) / 1e9,
        paths.local(),
        bootstrap,
        pgPort,
        pgDurable ? "durable" : "NOT durable",
        gateway.url());
  }

  private void awaitGateway() throws IOException {
    long deadline = System.nanoTime() + START.toNanos();
    while (ServiceLauncher.readiness(gateway.port()) != 200) {
      if (ProcessHandle.of(gateway.pid()).filter(ProcessHandle::isAlive).isEmpty()) {
        throw new IOException("the gateway exited during start; see " + paths.log("gateway"));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "the gateway was not ready in " + START + "; see " + paths.log("gateway"));
      }
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the gateway", e);
      }
    }
  }

  private static ProcessHandle handle(StackState.Entry e) throws IOException {
    return ProcessHandle.of(e.pid())
        .orElseThrow(() -> new IOException(e.name() + " exited during start"));
  }

  /** An admin client of the gateway. */
  public CuraClient client() {
    return new CuraClient(gateway.url(), apiKey);
  }

  public String gatewayUrl() {
    return gateway.url();
  }

  public String apiKey() {
    return apiKey;
  }

  /** The gateway's JVM. */
  public ProcessHandle gatewayProcess() {
    return ProcessHandle.of(gateway.pid()).orElseThrow();
  }

  /** PostgreSQL's postmaster (its backends are its children). */
  public ProcessHandle postgresProcess() {
    return pg.postmaster().orElseThrow(() -> new IllegalStateException("postgres is not running"));
  }

  /** The Kafka broker's JVM. */
  public ProcessHandle kafkaProcess() {
    return started.get(0);
  }

  public String kafkaBootstrap() {
    return bootstrap;
  }

  public int postgresPort() {
    return pgPort;
  }

  public Path logs() {
    return paths.logs();
  }

  /** Stops the gateway, PostgreSQL and Kafka (newest first); the logs stay. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs stop()
    }
    stop();
  }

  private synchronized void stop() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Children.stopTree(started.get(i), Duration.ofSeconds(20));
    }
    if (pg != null) {
      pg.postmaster().ifPresent(p -> Children.stopTree(p, Duration.ofSeconds(20)));
    }
  }
}
