package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.deploy.CuraContract.Service;
import java.net.URI;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docker-compose.yml: Kafka (KRaft), PostgreSQL, the four services, Prometheus, Grafana. */
class ComposeFileTest {

  /** Bind-mount sources that may legitimately be absent in a checkout (created empty by Docker). */
  static final Set<String> OPTIONAL_SOURCES = Set.of("./models");

  @Test
  void hasTheWholeStack() {
    Set<String> services = new TreeSet<>();
    Compose.file().path("services").fieldNames().forEachRemaining(services::add);
    for (String required : List.of("kafka", "kafka-init", "postgres", "prometheus", "grafana")) {
      assertTrue(services.contains(required), "docker-compose.yml: no service " + required);
    }
    for (Service s : Service.values()) {
      assertTrue(services.contains(s.module), "docker-compose.yml: no service " + s.module);
    }
  }

  @Test
  void kafkaRunsKraftFromTheOfficialImage() {
    JsonNode kafka = Compose.service("kafka");
    assertTrue(
        kafka.path("image").asText().startsWith("apache/kafka:"), "official apache/kafka image");
    Map<String, String> env = Compose.env(kafka);
    java.util.Properties server = brokerProperties();
    Set<String> roles = Set.of(server.getProperty("process.roles", "").split(","));
    assertEquals(Set.of("broker", "controller"), roles, "one combined KRaft node");
    // Kafka's Uuid: 16 bytes, URL-safe base64 without padding (22 characters)
    String clusterId = env.getOrDefault("CLUSTER_ID", "");
    assertEquals(22, clusterId.length(), "CLUSTER_ID must be a Kafka Uuid, got " + clusterId);
    assertEquals(
        16, Base64.getUrlDecoder().decode(clusterId).length, "CLUSTER_ID decodes to 16 bytes");
    assertEquals(
        "false", server.getProperty("auto.create.topics.enable"), "topics come from kafka-init");
    assertTrue(
        kafka
            .path("volumes")
            .toString()
            .contains("./deploy/kafka/server.properties:/cura/server.properties:ro"),
        "the broker runs with deploy/kafka/server.properties");
  }

  /** deploy/kafka/server.properties, which the compose broker runs with. */
  static java.util.Properties brokerProperties() {
    java.util.Properties p = new java.util.Properties();
    try {
      p.load(new java.io.StringReader(Repo.read("deploy/kafka/server.properties")));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return p;
  }

  @Test
  void servicesAreWiredToKafkaPostgresAndTheArtifactVolume() {
    String kafkaListener = clientAdvertisedListener();
    JsonNode postgres = Compose.service("postgres");
    Map<String, String> pgEnv = Compose.env(postgres);
    String initSql = Repo.read("deploy/postgres/init-databases.sql");
    Set<String> artifactVolumes = new HashSet<>();

    for (Service s : Service.values()) {
      JsonNode svc = Compose.service(s.module);
      Map<String, String> env = Compose.env(svc);
      assertEquals(kafkaListener, env.get("KAFKA_BOOTSTRAP_SERVERS"), s.module + " → Kafka");
      for (String key : CuraContract.COMMON_ENV) {
        assertTrue(env.containsKey(key), s.module + ": missing " + key);
      }
      assertTrue(Compose.ports(svc).contains(s.port), s.module + " publishes port " + s.port);

      Map<String, String> named = Compose.namedVolumes(svc);
      String artifactRoot = env.get("CURA_ARTIFACT_ROOT");
      String volume =
          named.entrySet().stream()
              .filter(e -> e.getValue().equals(artifactRoot))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError(s.module + ": no volume mounted at " + artifactRoot));
      artifactVolumes.add(volume);
      assertTrue(
          Compose.file().path("volumes").has(volume), "volume " + volume + " is not declared");
      assertTrue(
          Compose.bindMounts(svc).containsValue(env.get("CURA_MODEL_ROOTS")),
          s.module + ": CURA_MODEL_ROOTS is not mounted");

      JsonNode dependsOn = svc.path("depends_on");
      assertEquals(
          "service_completed_successfully",
          dependsOn.path("kafka-init").path("condition").asText(),
          s.module + " starts after the topics exist");

      if (s.usesDatabase) {
        for (String key : CuraContract.DATABASE_ENV) {
          assertTrue(env.containsKey(key), s.module + ": missing " + key);
        }
        URI db = URI.create(env.get("CURA_DB_URL"));
        assertEquals("postgresql", db.getScheme(), "reactive URL form postgresql://host:port/db");
        assertEquals(
            "postgres", db.getHost(), s.module + ": CURA_DB_URL host is the compose service");
        assertEquals(5432, db.getPort());
        String database = db.getPath().substring(1);
        assertTrue(
            initSql.contains("CREATE DATABASE " + database + " "),
            s.module + ": database " + database + " is not created by init-databases.sql");
        assertEquals(pgEnv.get("POSTGRES_USER"), env.get("CURA_DB_USER"), s.module + " DB user");
        assertEquals(
            Compose.interpolateDefaults(pgEnv.get("POSTGRES_PASSWORD")),
            Compose.interpolateDefaults(env.get("CURA_DB_PASSWORD")),
            s.module + " DB password");
        assertEquals(
            "service_healthy", dependsOn.path("postgres").path("condition").asText(), s.module);
        assertTrue(env.containsKey(CuraContract.API_KEY_ENV), s.module + ": no bootstrap API key");
      } else {
        assertTrue(!env.containsKey("CURA_DB_URL"), s.module + " has no database");
      }

      String health = svc.path("healthcheck").path("test").toString();
      assertTrue(
          health.contains("\"" + s.port + "\"") && health.contains(CuraContract.READY_PATH),
          s.module + ": healthcheck must probe " + CuraContract.READY_PATH + " on " + s.port);
    }
    assertEquals(1, artifactVolumes.size(), "all services share one artifact volume");
  }

  @Test
  void serviceImagesAreBuiltFromTheirDockerfiles() {
    for (Service s : Service.values()) {
      JsonNode svc = Compose.service(s.module);
      assertTrue(
          svc.path("image").asText().startsWith(CuraContract.IMAGE_PREFIX + s.module + ":"),
          s.module + ": image cura/" + s.module + ":<tag>");
      assertEquals(".", svc.path("build").path("context").asText(), "context = repository root");
      String dockerfile = svc.path("build").path("dockerfile").asText();
      assertEquals("deploy/docker/" + s.module + ".Dockerfile", dockerfile, s.module);
      Repo.existing(dockerfile);
    }
  }

  @Test
  void bindMountSourcesExist() {
    Compose.file()
        .path("services")
        .properties()
        .forEach(
            e ->
                Compose.bindMounts(e.getValue())
                    .keySet()
                    .forEach(
                        source -> {
                          if (!OPTIONAL_SOURCES.contains(source)) {
                            assertTrue(
                                Files.exists(Repo.path(source.substring(2))),
                                e.getKey() + " mounts " + source + ", which does not exist");
                          }
                        }));
  }

  @Test
  void kafkaInitCreatesTheTopicsFile() {
    JsonNode init = Compose.service("kafka-init");
    Map<String, String> mounts = Compose.bindMounts(init);
    String script = mounts.get("./deploy/kafka/create-topics.sh");
    String topics = mounts.get("./deploy/kafka/topics.txt");
    assertTrue(
        script != null && topics != null, "kafka-init mounts create-topics.sh and topics.txt");
    String command = init.path("command").toString();
    assertTrue(
        command.contains("/bin/bash " + script + " localhost:9091 " + topics),
        "kafka-init runs the script on the loopback listener: " + command);
    String acls = mounts.get("./deploy/kafka/acls.txt");
    assertTrue(
        command.contains(mounts.get("./deploy/kafka/apply-acls.sh") + " localhost:9091 " + acls),
        "kafka-init applies the ACLs: " + command);
    assertTrue(
        brokerProperties().getProperty("listeners").contains("BROKER://localhost:9091"),
        "the loopback listener kafka-init uses");
    assertEquals(
        "service_healthy", init.path("depends_on").path("kafka").path("condition").asText());
  }

  @Test
  void gpuOverrideGivesTheTrainerAGpuAndTheCudaImage() {
    JsonNode override = Repo.yaml("deploy/docker-compose.gpu.yml");
    Set<String> services = new TreeSet<>();
    override.path("services").fieldNames().forEachRemaining(services::add);
    assertEquals(Set.of("trainer-service"), services, "the override changes only the trainer");
    JsonNode trainer = override.path("services").path("trainer-service");
    assertTrue(trainer.path("image").asText().startsWith("cura/trainer-service-gpu:"));
    // paths in an override resolve against the first file's folder, the repository root
    Repo.existing(trainer.path("build").path("dockerfile").asText());
    assertEquals(".", trainer.path("build").path("context").asText());
    JsonNode device =
        trainer.path("deploy").path("resources").path("reservations").path("devices").path(0);
    assertEquals("nvidia", device.path("driver").asText());
    assertTrue(device.path("capabilities").toString().contains("gpu"), "GPU capability");
  }

  /** host:port of the CLIENT listener (SASL) the broker advertises to the other containers. */
  private static String clientAdvertisedListener() {
    String advertised = brokerProperties().getProperty("advertised.listeners");
    for (String l : advertised.split(",")) {
      if (l.startsWith("CLIENT://")) {
        return l.substring("CLIENT://".length());
      }
    }
    throw new AssertionError("kafka advertises no CLIENT listener: " + advertised);
  }
}
