package dev.cura.cli.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts the four Quarkus services from their fast-jars and waits for their readiness. */
public final class ServiceLauncher {
  /**
   * One service of the stack.
   *
   * @param name short name ({@code gateway})
   * @param port HTTP port (DESIGN §3)
   * @param heap default heap flags ({@code CURA_SERVICE_JAVA_OPTS} replaces them)
   * @param usesDb whether it needs PostgreSQL and the bootstrap API key
   */
  public record Service(String name, int port, List<String> heap, boolean usesDb) {
    public String module() {
      return name + "-service";
    }

    /** The same service on another port (a private stack). */
    public Service onPort(int other) {
      return new Service(name, other, heap, usesDb);
    }
  }

  /**
   * Heap of the two REST front doors (gateway, registry), chosen so that a flood of requests shows
   * no growth the service would not have had anyway (issue 12: 100,000 requests with random bearer
   * tokens, RSS growth < 50 MiB). Their live set is ~20 MB (heap histograms before and after such a
   * flood: 20.3 MB both), so 256 MiB is ample. The young generation is fixed at 32 MiB: left to
   * itself G1 grows it under a burst of cheap requests towards most of the heap, and every page it
   * touches stays resident — with {@code -Xmx512m} alone a fresh gateway's RSS grew 135 MiB within
   * 30,000 such requests (283 → 417 MiB) while its live objects did not grow at all. The initial 64
   * MiB (which hold that young generation) are touched at start ({@code AlwaysPreTouch}), so the
   * heap any load uses is resident from the start; what still grows under load is the JIT's code
   * cache and metaspace (+8 and +3 MB over 100,000 requests, native memory tracking).
   */
  static final List<String> REST_HEAP =
      List.of("-Xms64m", "-Xmx256m", "-Xmn32m", "-XX:+AlwaysPreTouch");

  /**
   * The young generation of every JVM that trains (the trainer service, {@code ./cura bench
   * train}'s workers). A training step's Java side is JNI glue and keeps ~10 MB alive; left to
   * itself G1 let the young generation grow to 220 MiB of a 1 GiB heap during a 100M model's build
   * (the NF4 kernel's first, not yet compiled calls box vectors), and every page it touched stayed
   * resident: 0.86 GiB peak RSS for the 100M NF4 bench step, 0.70–0.74 GiB with the young
   * generation fixed (2026-12-07). A step allocates ~5 MB of garbage a second, so 64 MiB means a
   * young collection every ~10 s.
   */
  public static final String TRAINER_YOUNG_GEN = "-Xmn64m";

  /** The gateway's port: the stack's REST API ({@code ./cura jobs}, the demo). */
  public static final int GATEWAY_PORT = 8080;

  /** The registry's port ({@code ./cura adapters}, the demo). */
  public static final int REGISTRY_PORT = 8083;

  /** The services in start order. */
  public static final List<Service> SERVICES =
      List.of(
          new Service("gateway", GATEWAY_PORT, REST_HEAP, true),
          new Service("quantizer", 8081, List.of("-Xmx1g"), false),
          new Service("trainer", 8082, List.of("-Xmx2g", TRAINER_YOUNG_GEN), false),
          new Service("registry", REGISTRY_PORT, REST_HEAP, true));

  /** The service named {@code name} ({@code gateway}, …). */
  public static Service service(String name) {
    return SERVICES.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + name));
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final StackPaths paths;
  private final String kafkaBootstrap;
  private final Map<String, String> extraEnv;
  private final List<String> javaOptions;

  /** {@code ./cura up}'s services, on {@code ./cura up}'s broker. */
  public ServiceLauncher(StackPaths paths) {
    this(paths, KafkaLauncher.BOOTSTRAP, Map.of(), List.of());
  }

  /**
   * Services of a private stack.
   *
   * @param kafkaBootstrap the broker they use
   * @param extraEnv environment that overrides the defaults (e.g. {@code CURA_MODEL_ROOTS})
   * @param javaOptions JVM options added after the heap setting (e.g. a flight recording)
   */
  public ServiceLauncher(
      StackPaths paths,
      String kafkaBootstrap,
      Map<String, String> extraEnv,
      List<String> javaOptions) {
    this.paths = paths;
    this.kafkaBootstrap = kafkaBootstrap;
    this.extraEnv = Map.copyOf(extraEnv);
    this.javaOptions = List.copyOf(javaOptions);
  }

  /** The services whose fast-jar is missing. */
  public List<Service> unbuilt(List<Service> services) {
    return services.stream().filter(s -> !Files.exists(paths.fastJar(s.module()))).toList();
  }

  /**
   * Builds the fast-jars of {@code services} with the Maven wrapper (tests skipped), showing
   * Maven's output.
   */
  public void build(List<Service> services) throws IOException {
    String modules = String.join(",", services.stream().map(Service::module).toList());
    var cmd =
        List.of(
            paths.repo().resolve("mvnw").toString(),
            "-B",
            "-q",
            "-DskipTests",
            "-Dspotless.check.skip=true",
            "-pl",
            modules,
            "-am",
            "package");
    var pb = new ProcessBuilder(cmd).directory(paths.repo().toFile()).inheritIO();
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    try {
      int rc = pb.start().waitFor();
      if (rc != 0) {
        throw new IOException("building " + modules + " failed (exit " + rc + "); see above");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while building " + modules, e);
    }
  }

  /**
   * Starts one service (does not wait).
   *
   * @param dbUrl reactive PostgreSQL URL for the services with a database
   * @param apiKey the development API key
   */
  public StackState.Entry start(Service s, String dbUrl, String apiKey) throws IOException {
    Path jar = paths.fastJar(s.module());
    Files.createDirectories(paths.tmp());
    Files.createDirectories(paths.artifacts());
    var cmd = new ArrayList<String>();
    cmd.add(Children.java());
    String opts = System.getenv("CURA_SERVICE_JAVA_OPTS");
    if (opts != null && !opts.isBlank()) {
      cmd.addAll(List.of(opts.trim().split("\\s+")));
    } else {
      cmd.addAll(s.heap());
    }
    cmd.addAll(javaOptions);
    cmd.addAll(
        List.of(
            "--add-modules",
            "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-Dai.djl.offline=true",
            "-DDJL_CACHE_DIR=" + paths.djlCache(),
            "-Djava.io.tmpdir=" + paths.tmp(),
            "-Dquarkus.http.port=" + s.port(),
            "-jar",
            jar.toString()));
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap);
    env.put("CURA_HTTP_HOST", "127.0.0.1");
    env.put("CURA_ARTIFACT_ROOT", envOr("CURA_ARTIFACT_ROOT", paths.artifacts().toString()));
    env.put(
        "CURA_MODEL_ROOTS", envOr("CURA_MODEL_ROOTS", paths.repo().resolve("models").toString()));
    env.put("DJL_CACHE_DIR", paths.djlCache().toString());
    env.put("DJL_OFFLINE", "true");
    if (s.usesDb()) {
      env.put("CURA_DB_URL", dbUrl);
      env.put("CURA_DB_USER", envOr("CURA_DB_USER", "postgres"));
      env.put("CURA_DB_PASSWORD", envOr("CURA_DB_PASSWORD", "postgres"));
      env.put("CURA_BOOTSTRAP_API_KEY", apiKey);
      env.put("CURA_BOOTSTRAP_TENANT", "default");
    }
    env.putAll(extraEnv);
    Process p = Children.spawn(cmd, env, paths.repo(), paths.log(s.name()));
    return new StackState.Entry(
        s.name(), p.pid(), s.port(), jar.toString(), "http://127.0.0.1:" + s.port());
  }

  /** HTTP status of {@code /q/health/ready}, or -1 when nothing answers. */
  public static int readiness(int port) {
    try {
      var req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
              .timeout(Duration.ofSeconds(3))
              .GET()
              .build();
      return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
