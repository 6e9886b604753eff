package dev.cura.cli.stack;

import dev.cura.events.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The local Kafka broker: Apache Kafka in KRaft mode (combined broker + controller) run from the
 * jars on the CLI's class path ({@code kafka.Kafka}), listening on 127.0.0.1:9092 (controller 9093)
 * for {@code ./cura up}, or on other ports for a private stack; data under the stack's {@code
 * kafka} directory.
 */
public final class KafkaLauncher {
  public static final int PORT = 9092;
  public static final int CONTROLLER_PORT = 9093;
  public static final String BOOTSTRAP = "127.0.0.1:" + PORT;

  /** Partitions of the event topics: a job's events share one (key = job id). */
  static final int EVENT_PARTITIONS = 3;

  private final StackPaths paths;
  private final int port;
  private final int controllerPort;

  /** {@code ./cura up}'s broker on the fixed ports. */
  public KafkaLauncher(StackPaths paths) {
    this(paths, PORT, CONTROLLER_PORT);
  }

  /** A broker on the given listener and controller ports. */
  public KafkaLauncher(StackPaths paths, int port, int controllerPort) {
    this.paths = paths;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /** Where clients reach this broker. */
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** Formats the storage on first use, starts the broker and waits until it answers. */
  public StackState.Entry start(Duration timeout) throws IOException {
    Path config = writeConfig();
    if (!Files.exists(paths.kafkaData().resolve("meta.properties"))) {
      format(config);
    }
    Process p =
        Children.spawn(
            javaCommand("kafka.Kafka", config.toString()),
            Map.of(),
            paths.repo(),
            paths.log("kafka"));
    awaitReady(p, timeout);
    return new StackState.Entry(
        "kafka", p.pid(), port, "kafka.Kafka", "PLAINTEXT://" + bootstrap());
  }

  /** Creates the topics of DESIGN §2 (event topics with 3 partitions, the DLQs with 1). */
  public void createTopics() throws IOException {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      var missing = new ArrayList<NewTopic>();
      for (String t : Topics.all()) {
        if (!existing.contains(t)) {
          int partitions = t.startsWith(Topics.DLQ_PREFIX) ? 1 : EVENT_PARTITIONS;
          missing.add(new NewTopic(t, partitions, (short) 1));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while creating topics", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("could not create the topics on " + bootstrap() + ": " + e, e);
    }
  }

  private void format(Path config) throws IOException {
    var cmd =
        javaCommand(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            UUID.randomUUID().toString().replace("-", "").substring(0, 22),
            "-c",
            config.toString(),
            "--standalone");
    Process p = Children.spawn(cmd, Map.of(), paths.repo(), paths.log("kafka-format"));
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(
            "formatting the Kafka storage failed; see " + paths.log("kafka-format"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while formatting Kafka storage", e);
    }
  }

  private List<String> javaCommand(String main, String... args) throws IOException {
    var cmd = new ArrayList<String>();
    cmd.add(Children.java());
    cmd.addAll(
        List.of(
            "-Xms128m",
            "-Xmx512m",
            "-XX:+UseG1GC",
            "-Djava.io.tmpdir=" + paths.tmp(),
            "-Dlog4j2.configurationFile=" + writeLog4j(),
            "-Dkafka.logs.dir=" + paths.logs(),
            "-cp",
            System.getProperty("java.class.path"),
            main));
    cmd.addAll(List.of(args));
    Files.createDirectories(paths.tmp());
    return cmd;
  }

  private void awaitReady(Process p, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
      while (System.nanoTime() < deadline) {
        Children.checkStarting(p, "the Kafka broker", paths.log("kafka"));
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          Children.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for Kafka", e);
        }
      }
    }
    throw new IOException(
        "Kafka did not answer on "
            + bootstrap()
            + " within "
            + timeout
            + "; see "
            + paths.log("kafka"));
  }

  private Path writeConfig() throws IOException {
    Files.createDirectories(paths.kafkaData());
    String props =
        String.join(
            "\n",
            "# written by ./cura up",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:"
                + port
                + ",CONTROLLER://127.0.0.1:"
                + controllerPort,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs=" + paths.kafkaData(),
            "num.partitions=" + EVENT_PARTITIONS,
            "default.replication.factor=1",
            "min.insync.replicas=1",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=true",
            "");
    Path file = paths.local().resolve("kafka-server.properties");
    Files.writeString(file, props);
    return file;
  }

  private Path writeLog4j() throws IOException {
    Path file = paths.local().resolve("kafka-log4j2.properties");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        String.join(
            "\n",
            "status = warn",
            "appender.console.type = Console",
            "appender.console.name = STDOUT",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %d{ISO8601} %-5p [%c{1}] %m%n",
            "rootLogger.level = info",
            "rootLogger.appenderRef.stdout.ref = STDOUT",
            "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
            "logger.config.level = warn",
            "logger.state.name = state.change.logger",
            "logger.state.level = warn",
            ""));
    return file;
  }
}
