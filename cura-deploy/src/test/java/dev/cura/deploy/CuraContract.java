package dev.cura.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The deployment-relevant part of the CURA contract (DESIGN.md §1–§3, §7): services, their HTTP
 * ports and Kafka consumer groups, the topics, the health and metrics paths and the JVM flags.
 * Every manifest is checked against these values.
 */
final class CuraContract {

  /** A CURA service: module name, HTTP port, Kafka consumer group, dead-letter topic suffix. */
  enum Service {
    GATEWAY("gateway-service", 8080, "cura-gateway", "gateway", true),
    QUANTIZER("quantizer-service", 8081, "cura-quantizer", "quantizer", false),
    TRAINER("trainer-service", 8082, "cura-trainer", "trainer", false),
    REGISTRY("registry-service", 8083, "cura-registry", "registry", true);

    final String module;
    final int port;
    final String consumerGroup;
    final String shortName;
    final boolean usesDatabase;

    Service(String module, int port, String consumerGroup, String shortName, boolean usesDatabase) {
      this.module = module;
      this.port = port;
      this.consumerGroup = consumerGroup;
      this.shortName = shortName;
      this.usesDatabase = usesDatabase;
    }

    String dlqTopic() {
      return "cura.dlq." + shortName;
    }

    /** Its configuration: the module's src/main/resources/application.properties. */
    Properties config() {
      Properties p = new Properties();
      try {
        p.load(new StringReader(Repo.read(module + "/src/main/resources/application.properties")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return p;
    }

    /** Its Kafka user (a Strimzi KafkaUser), and the Secret with that user's password. */
    String kafkaUser() {
      return "cura-" + shortName;
    }

    static Service byModule(String module) {
      for (Service s : values()) {
        if (s.module.equals(module)) {
          return s;
        }
      }
      List<String> modules = Stream.of(values()).map(s -> s.module).toList();
      throw new IllegalArgumentException(
          "expected one of " + String.join(", ", modules) + ", got " + module);
    }
  }

  /** Event topics of DESIGN.md §2. */
  static final List<String> EVENT_TOPICS =
      List.of(
          "cura.job.requested",
          "cura.checkpoint.quantized",
          "cura.job.progress",
          "cura.adapter.trained",
          "cura.adapter.registered",
          "cura.job.cancel",
          "cura.job.failed");

  /** Dead-letter topics, one per service. */
  static final List<String> DLQ_TOPICS =
      Stream.of(Service.values()).map(Service::dlqTopic).toList();

  static final String READY_PATH = "/q/health/ready";
  static final String LIVE_PATH = "/q/health/live";
  static final String METRICS_PATH = "/q/metrics";

  /** Flags every service JVM needs (FEASIBILITY.md §5, §7). */
  static final List<String> JVM_FLAGS =
      List.of(
          "--add-modules",
          "jdk.incubator.vector",
          "--enable-native-access=ALL-UNNAMED",
          "-Dai.djl.offline=true");

  /** Environment the services read (the service contract). */
  static final Set<String> COMMON_ENV =
      Set.of("KAFKA_BOOTSTRAP_SERVERS", "CURA_ARTIFACT_ROOT", "CURA_MODEL_ROOTS");

  static final Set<String> DATABASE_ENV = Set.of("CURA_DB_URL", "CURA_DB_USER", "CURA_DB_PASSWORD");

  static final String API_KEY_ENV = "CURA_BOOTSTRAP_API_KEY";

  /**
   * Secrets the base references but does not create: made outside of git in production ({@code
   * cura-db}, {@code cura-api-key}), or by Strimzi's User Operator for each KafkaUser
   * (kafka/users.yaml: SCRAM password and JAAS line): each service's, KEDA's and the operators'.
   */
  static final Set<String> EXTERNAL_SECRETS =
      Stream.concat(
              Stream.of("cura-db", "cura-api-key", "cura-keda", "cura-ops"),
              Stream.of(Service.values()).map(Service::kafkaUser))
          .collect(Collectors.toUnmodifiableSet());

  /** Image repository of a service image: {@code cura/<name>}. */
  static final String IMAGE_PREFIX = "cura/";

  static List<String> allTopics() {
    return Stream.concat(EVENT_TOPICS.stream(), DLQ_TOPICS.stream()).toList();
  }

  private CuraContract() {}
}
