package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.deploy.CuraContract.Service;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Strimzi Kafka, node pool and topics; KEDA ScaledObjects of the quantizer and trainer pools. */
class KafkaAndAutoscalingTest {

  final Manifests base = Manifests.ofKustomizationResources(KubernetesBaseTest.BASE);

  /** Pool → the topic whose lag scales it (DESIGN.md §7 and the issue). */
  static final Map<Service, String> SCALED_ON =
      Map.of(Service.TRAINER, "cura.checkpoint.quantized", Service.QUANTIZER, "cura.job.requested");

  @Test
  void everyContractTopicIsAKafkaTopicAndMatchesCompose() {
    Map<String, JsonNode> k8s = Topics.kafkaTopics(base);
    Map<String, Topics.Spec> compose = Topics.composeTopics();
    assertEquals(
        new TreeSet<>(CuraContract.allTopics()), new TreeSet<>(k8s.keySet()), "KafkaTopics");
    assertEquals(
        new TreeSet<>(CuraContract.allTopics()),
        new TreeSet<>(compose.keySet()),
        Topics.TOPICS_TXT);

    JsonNode pool = base.get("KafkaNodePool", "combined");
    int brokers = pool.path("spec").path("replicas").asInt();
    k8s.forEach(
        (name, t) -> {
          JsonNode spec = t.path("spec");
          assertEquals(
              "cura-kafka",
              t.path("metadata").path("labels").path("strimzi.io/cluster").asText(),
              name);
          assertEquals(
              compose.get(name).partitions(),
              spec.path("partitions").asInt(),
              name + " partitions");
          assertEquals(
              compose.get(name).retentionMs(),
              spec.path("config").path("retention.ms").asLong(),
              name + " retention.ms");
          int replicas = spec.path("replicas").asInt();
          int minIsr = spec.path("config").path("min.insync.replicas").asInt();
          assertTrue(replicas <= brokers, name + ": more replicas than brokers");
          // acks=all producers need a replica to spare to survive one broker restart
          assertTrue(minIsr >= 1 && minIsr < replicas, name + ": min.insync.replicas < replicas");
        });
  }

  @Test
  void kafkaClusterIsKraftWithANodePool() {
    JsonNode kafka = base.get("Kafka", "cura-kafka");
    assertFalse(kafka.path("spec").has("zookeeper"), "KRaft only");
    assertTrue(
        kafka.path("spec").path("entityOperator").has("topicOperator"),
        "topic operator manages KafkaTopics");
    assertEquals(
        "false",
        kafka.path("spec").path("kafka").path("config").path("auto.create.topics.enable").asText(),
        "topics come only from KafkaTopic resources");
    JsonNode pool = base.get("KafkaNodePool", "combined");
    assertEquals(
        "cura-kafka", pool.path("metadata").path("labels").path("strimzi.io/cluster").asText());
    Set<String> roles = new TreeSet<>();
    pool.path("spec").path("roles").forEach(r -> roles.add(r.asText()));
    assertEquals(Set.of("broker", "controller"), roles);
  }

  @Test
  void workerPoolsScaleOnTheirConsumerGroupsLag() {
    String namespace =
        Repo.yaml(KubernetesBaseTest.BASE + "/kustomization.yaml").path("namespace").asText();
    Map<String, JsonNode> topics = Topics.kafkaTopics(base);
    assertEquals(Set.of("quantizer-service", "trainer-service"), base.names("ScaledObject"));
    SCALED_ON.forEach(
        (service, topic) -> {
          JsonNode so = base.get("ScaledObject", service.module);
          JsonNode spec = so.path("spec");
          String target = spec.path("scaleTargetRef").path("name").asText();
          assertEquals(service.module, target);
          JsonNode deployment = base.get("Deployment", target);
          assertFalse(
              deployment.path("spec").has("replicas"),
              target + ": KEDA owns the replica count, the Deployment must not set one");
          assertEquals(0, spec.path("minReplicaCount").asInt(-1), target + " scales to zero");
          int max = spec.path("maxReplicaCount").asInt();
          int partitions = topics.get(topic).path("spec").path("partitions").asInt();
          assertTrue(
              max >= 1 && max <= partitions,
              target
                  + ": maxReplicaCount "
                  + max
                  + " must be 1.."
                  + partitions
                  + " (partitions of "
                  + topic
                  + ")");

          JsonNode kafka = null;
          for (JsonNode t : spec.path("triggers")) {
            if ("kafka".equals(t.path("type").asText())) {
              kafka = t.path("metadata");
            }
          }
          assertTrue(kafka != null, target + ": no kafka trigger");
          assertEquals(topic, kafka.path("topic").asText(), target + " trigger topic");
          assertEquals(
              service.consumerGroup, kafka.path("consumerGroup").asText(), target + " group");
          // KEDA runs in its own namespace: the bootstrap address must be fully qualified
          assertEquals(
              "cura-kafka-kafka-bootstrap." + namespace + ".svc:9092",
              kafka.path("bootstrapServers").asText(),
              target + " bootstrapServers");
          // the services start a new group at "earliest": KEDA must count lag the same way, or an
          // uncommitted empty partition reads as lag 1 (latest) and keeps idle pods up
          assertEquals("earliest", kafka.path("offsetResetPolicy").asText(), target);
          assertEquals(
              "false",
              kafka.path("scaleToZeroOnInvalidOffset").asText("false"),
              target + ": waiting jobs of a new group must wake the pool");
        });
  }
}
