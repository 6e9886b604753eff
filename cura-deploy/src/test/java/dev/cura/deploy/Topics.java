package dev.cura.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** The topic tables: deploy/kafka/topics.txt (compose) and the KafkaTopics of k8s/base. */
final class Topics {

  /** A topic's partitions and retention. */
  record Spec(int partitions, long retentionMs) {}

  static final String TOPICS_TXT = "deploy/kafka/topics.txt";

  static Map<String, Spec> composeTopics() {
    Map<String, Spec> topics = new LinkedHashMap<>();
    for (Repo.Row row : Repo.table(TOPICS_TXT, "NAME PARTITIONS RETENTION_MS")) {
      String[] f = row.fields();
      if (topics.put(f[0], new Spec(Integer.parseInt(f[1]), Long.parseLong(f[2]))) != null) {
        throw new AssertionError(TOPICS_TXT + ": duplicate topic " + f[0]);
      }
    }
    return topics;
  }

  /** KafkaTopic resources by topic name (spec.topicName, else metadata.name). */
  static Map<String, JsonNode> kafkaTopics(Manifests m) {
    Map<String, JsonNode> topics = new LinkedHashMap<>();
    for (JsonNode t : m.ofKind("KafkaTopic")) {
      String name =
          t.path("spec").path("topicName").asText(t.path("metadata").path("name").asText());
      topics.put(name, t);
    }
    return topics;
  }

  private Topics() {}
}
