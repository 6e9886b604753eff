package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real broker (in this JVM) with the docker-compose broker's security settings
 * (deploy/kafka/server.properties: SCRAM listeners, StandardAuthorizer, no access without an ACL),
 * the SCRAM users and passwords docker-compose gives it, and the ACLs of deploy/kafka/acls.txt:
 * each service can do what it needs and nothing of another's.
 */
class KafkaAclBrokerTest {
  private static KafkaRaftServer server;
  private static String plaintext; // the loopback BROKER listener: ANONYMOUS, a super user
  private static String sasl; // the CLIENT listener, as the services reach it
  private static final Map<String, String> PASSWORDS = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    Properties p = new Properties();
    p.load(new StringReader(Repo.read("deploy/kafka/server.properties")));
    int broker = freePort();
    int controller = freePort();
    int client = freePort();
    int external = freePort();
    p.put(
        "listeners",
        "BROKER://127.0.0.1:"
            + broker
            + ",CONTROLLER://127.0.0.1:"
            + controller
            + ",CLIENT://127.0.0.1:"
            + client
            + ",EXTERNAL://127.0.0.1:"
            + external);
    p.put(
        "advertised.listeners",
        "BROKER://127.0.0.1:"
            + broker
            + ",CLIENT://127.0.0.1:"
            + client
            + ",EXTERNAL://127.0.0.1:"
            + external);
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
    Path dir = Files.createTempDirectory("cura-acl-kafka-");
    p.put("log.dirs", dir.resolve("data").toString());
    Path file = dir.resolve("server.properties");
    try (var out = Files.newBufferedWriter(file)) {
      p.store(out, "deploy/kafka/server.properties on free ports");
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "format",
                "-t",
                org.apache.kafka.common.Uuid.randomUuid().toString(),
                "-c",
                file.toString(),
                "--ignore-formatted"));
    var kafkaEnv = Compose.env(Compose.service("kafka"));
    for (String u : List.of("admin", "gateway", "quantizer", "trainer", "registry", "ops")) {
      String password =
          Compose.interpolateDefaults(
              kafkaEnv.get("CURA_KAFKA_" + u.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD"));
      PASSWORDS.put("cura-" + u, password);
      args.add("--add-scram");
      args.add("SCRAM-SHA-512=[name=cura-" + u + ",password=" + password + "]");
    }
    int rc =
        StorageTool.execute(
            args.toArray(String[]::new), new PrintStream(PrintStream.nullOutputStream()));
    assertEquals(0, rc, "kafka-storage format");
    server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
    server.startup();
    plaintext = "127.0.0.1:" + broker;
    sasl = "127.0.0.1:" + client;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, plaintext))) {
      admin
          .createTopics(
              CuraContract.allTopics().stream().map(t -> new NewTopic(t, 1, (short) 1)).toList())
          .all()
          .get(60, TimeUnit.SECONDS);
      var bindings = new ArrayList<AclBinding>();
      for (KafkaAcls.Binding b : KafkaAcls.all()) {
        bindings.add(
            new AclBinding(
                new ResourcePattern(
                    ResourceType.fromString(b.resource()),
                    b.name(),
                    PatternType.fromString(b.pattern().toUpperCase(java.util.Locale.ROOT))),
                new AccessControlEntry(
                    "User:" + b.user(),
                    "*",
                    AclOperation.fromString(b.operation()),
                    AclPermissionType.ALLOW)));
      }
      admin.createAcls(bindings).all().get(60, TimeUnit.SECONDS);
      // createAcls returns once the controller has committed the bindings; the broker's authorizer
      // applies them from the metadata log afterwards, so a test that ran at once could be refused
      // (seen: TopicAuthorizationException for cura-registry on cura.adapter.trained). DescribeAcls
      // is answered by the broker from that authorizer: wait until it holds every binding.
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!admin
          .describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY)
          .values()
          .get(60, TimeUnit.SECONDS)
          .containsAll(bindings)) {
        assertTrue(System.nanoTime() < end, "the broker's authorizer never showed all ACLs");
        Thread.sleep(50);
      }
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
    }
  }

  static Map<String, Object> login(String user, String password) {
    var c = new HashMap<String, Object>();
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sasl);
    c.put("security.protocol", "SASL_PLAINTEXT");
    c.put("sasl.mechanism", "SCRAM-SHA-512");
    c.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
    return c;
  }

  static Throwable produce(String user, String topic) {
    var c = login(user, PASSWORDS.get(user));
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
    c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    try (var producer = new KafkaProducer<String, String>(c)) {
      producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (KafkaException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Throwable consume(String user, String group, String topic) {
    var c = login(user, PASSWORDS.get(user));
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (var consumer = new KafkaConsumer<String, String>(c)) {
      consumer.subscribe(List.of(topic));
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(500));
        if (!consumer.assignment().isEmpty()) {
          return null;
        }
      }
      return new AssertionError(user + " got no partition of " + topic + " in group " + group);
    } catch (KafkaException e) {
      return e;
    }
  }

  @Test
  void eachServiceProducesToItsOwnTopicsOnly() {
    assertEquals(null, produce("cura-gateway", "cura.job.requested"));
    assertEquals(null, produce("cura-trainer", "cura.adapter.trained"));
    assertEquals(null, produce("cura-registry", "cura.dlq.registry"));
    assertInstanceOf(
        TopicAuthorizationException.class, produce("cura-gateway", "cura.adapter.registered"));
    assertInstanceOf(
        TopicAuthorizationException.class, produce("cura-quantizer", "cura.adapter.trained"));
    assertInstanceOf(
        TopicAuthorizationException.class, produce("cura-registry", "cura.dlq.gateway"));
  }

  @Test
  void eachServiceReadsItsOwnTopicsInItsOwnGroupsOnly() {
    assertEquals(null, consume("cura-registry", "cura-registry", "cura.adapter.trained"));
    assertEquals(null, consume("cura-trainer", "cura-trainer-cancel-1234", "cura.job.cancel"));
    assertInstanceOf(
        TopicAuthorizationException.class,
        consume("cura-registry", "cura-registry", "cura.job.requested"));
    assertInstanceOf(
        GroupAuthorizationException.class,
        consume("cura-registry", "cura-gateway", "cura.adapter.trained"));
  }

  @Test
  void aWrongPasswordOrNoLoginGetsNothing() {
    var c = login("cura-gateway", "not-the-password");
    try (Admin admin = Admin.create(c)) {
      var e =
          assertThrows(
              ExecutionException.class, () -> admin.listTopics().names().get(30, TimeUnit.SECONDS));
      assertInstanceOf(SaslAuthenticationException.class, e.getCause());
    }
    var anonymous =
        new HashMap<String, Object>(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sasl,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                5_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                2_000));
    try (Admin admin = Admin.create(anonymous)) {
      assertThrows(
          ExecutionException.class, () -> admin.listTopics().names().get(30, TimeUnit.SECONDS));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
