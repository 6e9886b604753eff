package dev.cura.testinfra;

import dev.cura.events.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Apache Kafka broker (KRaft, combined broker + controller) running inside the test JVM, on
 * free ports, with its log under {@code java.io.tmpdir}. Started once per JVM and shared by every
 * test class; stopped by a shutdown hook.
 */
public final class EmbeddedKafka {
  private static String bootstrap;

  // the broker logs thousands of INFO lines per start; held here so the levels stick
  private static final List<java.util.logging.Logger> QUIET =
      List.of(
          java.util.logging.Logger.getLogger("kafka"),
          java.util.logging.Logger.getLogger("org.apache.kafka"),
          java.util.logging.Logger.getLogger("state.change.logger"));

  private EmbeddedKafka() {}

  /**
   * Starts the broker on first call (or, with {@code -Dinfra.external=true}, uses the external one)
   * and creates every CURA topic ({@link Topics#all()}).
   *
   * @return bootstrap servers, e.g. {@code 127.0.0.1:40123}
   */
  public static synchronized String bootstrapServers() {
    if (bootstrap == null) {
      bootstrap = InfraSettings.external() ? InfraSettings.externalKafka() : startBroker();
      createTopics(bootstrap, Topics.all(), 1);
    }
    return bootstrap;
  }

  /**
   * Starts the broker on two free ports. A port found free can be taken by another process before
   * the broker binds it (on a machine where several builds start brokers and clients, each of whose
   * connections takes an ephemeral port): that start fails with a BindException, and the broker is
   * started again on fresh ports, up to five times.
   */
  private static String startBroker() {
    for (int attempt = 1; ; attempt++) {
      try {
        return startBrokerOnce();
      } catch (RuntimeException e) {
        if (attempt >= 5 || !causedByBind(e)) {
          throw e;
        }
      }
    }
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return true;
      }
    }
    return false;
  }

  private static String startBrokerOnce() {
    QUIET.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
    try {
      int port = freePort();
      int controllerPort = freePort();
      Path dir = Files.createTempDirectory(InfraSettings.scratch(), "kafka-");
      Properties p = new Properties();
      p.put("process.roles", "broker,controller");
      p.put("node.id", "1");
      p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
      p.put(
          "listeners",
          "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
      p.put(
          "advertised.listeners",
          "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
      p.put("controller.listener.names", "CONTROLLER");
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
      p.put("log.dirs", dir.resolve("data").toString());
      p.put("num.partitions", "1");
      p.put("default.replication.factor", "1");
      p.put("min.insync.replicas", "1");
      p.put("offsets.topic.replication.factor", "1");
      p.put("offsets.topic.num.partitions", "1");
      p.put("transaction.state.log.replication.factor", "1");
      p.put("transaction.state.log.min.isr", "1");
      p.put("share.coordinator.state.topic.replication.factor", "1");
      p.put("share.coordinator.state.topic.min.isr", "1");
      p.put("group.initial.rebalance.delay.ms", "0");
      p.put("auto.create.topics.enable", "true");
      Path file = dir.resolve("server.properties");
      try (var out = Files.newBufferedWriter(file)) {
        p.store(out, "CURA test broker");
      }
      // StorageTool.main would System.exit; execute returns the status instead
      int rc =
          StorageTool.execute(
              new String[] {
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                file.toString(),
                "--standalone",
                "--ignore-formatted"
              },
              new PrintStream(PrintStream.nullOutputStream()));
      if (rc != 0) {
        throw new IllegalStateException("kafka storage format failed with status " + rc);
      }
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
      try {
        server.startup();
      } catch (RuntimeException e) {
        server.shutdown(); // releases what the failed start opened before a retry
        server.awaitShutdown();
        throw e;
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.shutdown();
                    server.awaitShutdown();
                  },
                  "cura-test-kafka-stop"));
      return "127.0.0.1:" + port;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the in-JVM Kafka broker", e);
    }
  }

  /** Creates the topics that do not exist yet. */
  public static void createTopics(String bootstrapServers, List<String> topics, int partitions) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Set<String> existing = admin.listTopics().names().get();
      var missing =
          topics.stream()
              .filter(t -> !existing.contains(t))
              .map(t -> new NewTopic(t, partitions, (short) 1))
              .collect(Collectors.toList());
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not create topics on " + bootstrapServers + ": " + e.getCause().getMessage(), e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** A unique consumer group id for a test consumer. */
  static String uniqueGroup() {
    return "cura-test-" + UUID.randomUUID();
  }
}
