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
    for (String raw : Repo.read(TOPICS_TXT).split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length != 3) {
        throw new AssertionError(
            TOPICS_TXT + ": expected 'NAME PARTITIONS RETENTION_MS', got " + line);
      }
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
