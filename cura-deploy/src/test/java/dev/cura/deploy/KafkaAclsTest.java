package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.deploy.CuraContract.Service;
import dev.cura.deploy.KafkaAcls.Binding;
import java.io.IOException;
import java.io.StringReader;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kafka is a trust boundary (issue 12): in docker-compose and on Kubernetes every client logs in
 * with SCRAM-SHA-512 as its own user, and each service's ACLs (deploy/kafka/acls.txt) are exactly
 * the topics its configuration reads and writes and the groups it joins — nothing more. The same
 * bindings are declared as Strimzi KafkaUsers. ({@link KafkaAclBrokerTest} runs a broker with
 * them.)
 */
class KafkaAclsTest {
  private static final Manifests BASE = Manifests.ofKustomizationResources("k8s/base");

  /** What a service's application.properties reads, writes and joins, as ACL bindings. */
  static Set<Binding> needed(Service s) {
    Properties p = s.config();
    String u = s.kafkaUser();
    Set<Binding> out = new HashSet<>();
    for (String key : p.stringPropertyNames()) {
      String value = p.getProperty(key).strip();
      if (key.startsWith("%")) {
        continue; // test and dev profiles
      }
      if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.topics?")) {
        for (String topic : value.split(",")) {
          out.add(new Binding(u, "read", "topic", "literal", topic.strip()));
        }
      } else if (key.matches("mp\\.messaging\\.outgoing\\.[^.]+\\.topic")
          || key.equals("mp.messaging.connector.smallrye-kafka.dead-letter-queue.topic")) {
        out.add(new Binding(u, "write", "topic", "literal", value));
      } else if (key.endsWith("group.id")) {
        assertTrue(
            value.startsWith(s.consumerGroup),
            s.module + ": group " + value + " does not start with " + s.consumerGroup);
      }
    }
    out.add(new Binding(u, "read", "group", "prefixed", s.consumerGroup));
    return out;
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void eachServiceMayUseExactlyTheTopicsAndGroupsOfItsConfiguration(Service s) {
    assertEquals(
        new TreeSet<>(str(needed(s))), new TreeSet<>(str(KafkaAcls.of(s.kafkaUser()))), s.module);
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void eachServiceReadsItsKafkaLoginFromTheEnvironment(Service s) {
    Properties p = s.config();
    assertEquals("${KAFKA_SECURITY_PROTOCOL:PLAINTEXT}", p.getProperty("kafka.security.protocol"));
    assertEquals("${KAFKA_SASL_MECHANISM:}", p.getProperty("kafka.sasl.mechanism"));
    assertEquals("${KAFKA_SASL_JAAS_CONFIG:}", p.getProperty("kafka.sasl.jaas.config"));
  }

  @Test
  void theStrimziUsersHoldExactlyTheBindingsOfTheFile() {
    Set<String> users = BASE.names("KafkaUser");
    assertEquals(KafkaAcls.users(), users, "one KafkaUser per user of " + KafkaAcls.FILE);
    for (String u : users) {
      JsonNode spec = BASE.get("KafkaUser", u).path("spec");
      assertEquals("scram-sha-512", spec.path("authentication").path("type").asText(), u);
      assertEquals("simple", spec.path("authorization").path("type").asText(), u);
      Set<Binding> declared = new HashSet<>();
      for (JsonNode acl : spec.path("authorization").path("acls")) {
        JsonNode r = acl.path("resource");
        String pattern =
            r.path("patternType").asText("literal").equals("prefix") ? "prefixed" : "literal";
        for (JsonNode op : acl.path("operations")) {
          declared.add(
              new Binding(
                  u,
                  KafkaAcls.lower(op.asText()),
                  r.path("type").asText(),
                  pattern,
                  r.path("name").asText()));
        }
      }
      assertEquals(new TreeSet<>(str(KafkaAcls.of(u))), new TreeSet<>(str(declared)), u);
    }
  }

  @Test
  void theClusterAuthenticatesEveryListenerAndAuthorizes() {
    JsonNode kafka = BASE.get("Kafka", "cura-kafka").path("spec").path("kafka");
    assertEquals("simple", kafka.path("authorization").path("type").asText());
    assertTrue(kafka.path("listeners").size() > 0);
    for (JsonNode l : kafka.path("listeners")) {
      assertEquals(
          "scram-sha-512",
          l.path("authentication").path("type").asText(),
          "listener " + l.path("name").asText() + " must authenticate");
    }
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void onKubernetesEachServiceLogsInAsItsOwnUser(Service s) {
    JsonNode common = BASE.get("ConfigMap", "cura-common").path("data");
    assertEquals("SASL_PLAINTEXT", common.path("KAFKA_SECURITY_PROTOCOL").asText());
    assertEquals("SCRAM-SHA-512", common.path("KAFKA_SASL_MECHANISM").asText());
    JsonNode container = Manifests.firstContainer(BASE.get("Deployment", s.module));
    JsonNode ref = null;
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals("KAFKA_SASL_JAAS_CONFIG")) {
        ref = e.path("valueFrom").path("secretKeyRef");
      }
    }
    assertTrue(ref != null, s.module + ": no KAFKA_SASL_JAAS_CONFIG");
    assertEquals(
        s.kafkaUser(), ref.path("name").asText(), s.module + ": the Secret of its KafkaUser");
    assertEquals("sasl.jaas.config", ref.path("key").asText());
  }

  @Test
  void kedaLogsInAsItsOwnUser() {
    for (JsonNode so : BASE.ofKind("ScaledObject")) {
      for (JsonNode t : so.path("spec").path("triggers")) {
        if (t.path("type").asText().equals("kafka")) {
          assertEquals(
              "cura-keda-kafka",
              t.path("authenticationRef").path("name").asText(),
              so.path("metadata").path("name").asText());
        }
      }
    }
    JsonNode auth = BASE.get("TriggerAuthentication", "cura-keda-kafka");
    assertTrue(
        auth.toString().contains("\"name\":\"cura-keda\""),
        "the password from Strimzi's Secret cura-keda");
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void inComposeEachServiceLogsInAsItsOwnUserWithThePasswordTheBrokerKnows(Service s) {
    var env = Compose.env(Compose.service(s.module));
    assertEquals("SASL_PLAINTEXT", env.get("KAFKA_SECURITY_PROTOCOL"), s.module);
    assertEquals("SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM"), s.module);
    String var = "CURA_KAFKA_" + s.shortName.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD";
    String password = Compose.env(Compose.service("kafka")).get(var);
    assertTrue(password != null, "the kafka service formats " + var);
    assertEquals(
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + s.kafkaUser()
            + "\" password=\""
            + password
            + "\";",
        env.get("KAFKA_SASL_JAAS_CONFIG"),
        s.module);
  }

  @Test
  void theComposeBrokerTakesOnlyAuthenticatedClientsFromOutsideItsContainer() {
    Properties p = new Properties();
    try {
      p.load(new StringReader(Repo.read("deploy/kafka/server.properties")));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertEquals(
        "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        p.getProperty("authorizer.class.name"));
    assertEquals("false", p.getProperty("allow.everyone.if.no.acl.found"));
    var protocols = new java.util.HashMap<String, String>();
    for (String m : p.getProperty("listener.security.protocol.map").split(",")) {
      protocols.put(m.split(":")[0], m.split(":")[1]);
    }
    for (String l : p.getProperty("listeners").split(",")) {
      String name = l.substring(0, l.indexOf("://"));
      String host = l.substring(l.indexOf("://") + 3, l.lastIndexOf(':'));
      if (!host.equals("localhost") && !host.equals("127.0.0.1")) {
        assertTrue(
            protocols.get(name).startsWith("SASL_"),
            "listener " + l + " is reachable and must authenticate");
      }
    }
    JsonNode init = Compose.service("kafka-init");
    assertEquals(
        "service:kafka",
        init.path("network_mode").asText(),
        "kafka-init reaches the loopback listener");
    assertFalse(
        Compose.file().toString().contains("KAFKA_LISTENERS"),
        "the listeners live in server.properties");
  }

  private static Set<String> str(Set<Binding> b) {
    var out = new TreeSet<String>();
    b.forEach(x -> out.add(x.toString()));
    return out;
  }
}
