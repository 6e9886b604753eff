package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.deploy.CuraContract.Service;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cross-checks each service's application.properties against the manifests: HTTP port, Kafka topics
 * and consumer groups, and the environment it needs.
 */
class ServiceConfigTest {

  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:[^}]*)?}");

  /** Resolves {@code ${ENV:default}} to its default, the value in a plain run. */
  static String resolve(String value) {
    Matcher m = ENV_REF.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String def = m.group(2) == null ? "" : m.group(2).substring(1);
      m.appendReplacement(out, Matcher.quoteReplacement(def));
    }
    m.appendTail(out);
    return out.toString();
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void httpPortIsTheContractPort(Service s) {
    Properties p = s.config();
    String port =
        p.getProperty("%prod.quarkus.http.port", p.getProperty("quarkus.http.port", "8080"));
    assertEquals(
        String.valueOf(s.port),
        resolve(port),
        s.module
            + ": quarkus.http.port must be "
            + s.port
            + " (k8s, compose and the Dockerfile use it)");
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void topicsExistAndConsumerGroupsAreTheContractOnes(Service s) {
    Properties p = s.config();
    Map<String, JsonNode> kafkaTopics =
        Topics.kafkaTopics(Manifests.ofKustomizationResources(KubernetesBaseTest.BASE));
    String defaultGroup =
        p.getProperty(
            "mp.messaging.connector.smallrye-kafka.group.id",
            p.getProperty("kafka.group.id", p.getProperty("quarkus.application.name", s.module)));
    Map<String, String> channelTopics = new HashMap<>();
    for (String key : p.stringPropertyNames()) {
      if (key.startsWith("%")) {
        continue; // profile-specific (test) settings
      }
      Matcher m =
          Pattern.compile(
                  "mp\\.messaging\\.(incoming|outgoing|connector)\\.([^.]+)\\."
                      + "(topics?|dead-letter-queue\\.topic)")
              .matcher(key);
      if (m.matches()) {
        String topic = resolve(p.getProperty(key));
        for (String t : topic.split(",")) {
          assertTrue(
              kafkaTopics.containsKey(t.strip()),
              s.module
                  + ": "
                  + key
                  + " = "
                  + t
                  + " has no KafkaTopic in k8s/base/kafka/topics.yaml");
        }
        if (m.group(1).equals("incoming") && m.group(3).startsWith("topic")) {
          channelTopics.put(m.group(2), topic);
        }
      }
    }
    for (String channel : channelTopics.keySet()) {
      String group =
          resolve(p.getProperty("mp.messaging.incoming." + channel + ".group.id", defaultGroup));
      assertTrue(
          group.equals(s.consumerGroup) || group.startsWith(s.consumerGroup + "-"),
          s.module
              + ": channel "
              + channel
              + " consumes as group '"
              + group
              + "', expected "
              + s.consumerGroup
              + " (KEDA and the docs use it)");
    }
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void requiredEnvironmentIsProvidedByComposeAndKubernetes(Service s) {
    Properties p = s.config();
    Set<String> required = new TreeSet<>();
    for (String key : p.stringPropertyNames()) {
      if (key.startsWith("%")) {
        continue;
      }
      Matcher m = ENV_REF.matcher(p.getProperty(key));
      while (m.find()) {
        if (m.group(2) == null) {
          required.add(m.group(1)); // no default: the service cannot start without it
        }
      }
    }
    Map<String, String> composeEnv = Compose.env(Compose.service(s.module));
    Manifests base = Manifests.ofKustomizationResources(KubernetesBaseTest.BASE);
    JsonNode c = Manifests.firstContainer(base.get("Deployment", s.module));
    Set<String> k8sEnv = new TreeSet<>();
    c.path("env").forEach(e -> k8sEnv.add(e.path("name").asText()));
    for (JsonNode from : c.path("envFrom")) {
      base.get("ConfigMap", from.path("configMapRef").path("name").asText())
          .path("data")
          .fieldNames()
          .forEachRemaining(k8sEnv::add);
    }
    for (String var : required) {
      assertTrue(
          composeEnv.containsKey(var),
          s.module + " needs " + var + ": set it in docker-compose.yml");
      assertTrue(k8sEnv.contains(var), s.module + " needs " + var + ": set it in k8s/base");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Service.class,
      names = {"QUANTIZER", "TRAINER"})
  void autoscaledPoolsStartNewGroupsWhereKedaCountsLag(Service s) {
    Properties p = s.config();
    String reset =
        p.getProperty(
            "mp.messaging.connector.smallrye-kafka.auto.offset.reset",
            p.getProperty("kafka.auto.offset.reset", "latest"));
    String so =
        Manifests.ofKustomizationResources(KubernetesBaseTest.BASE)
            .get("ScaledObject", s.module)
            .path("spec")
            .path("triggers")
            .path(0)
            .path("metadata")
            .path("offsetResetPolicy")
            .asText();
    assertEquals(
        so, resolve(reset), s.module + ": auto.offset.reset must equal KEDA's offsetResetPolicy");
  }
}
