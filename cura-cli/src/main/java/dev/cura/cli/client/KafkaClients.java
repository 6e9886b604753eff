package dev.cura.cli.client;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The Kafka clients of the command line: records keyed by job id (string), values as bytes. */
public final class KafkaClients {
  private KafkaClients() {}

  /** An idempotent producer with {@code acks=all} (the services' settings). */
  public static Map<String, Object> producer(String bootstrap) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap,
        ProducerConfig.ACKS_CONFIG,
        "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
        "true",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
        StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
        ByteArraySerializer.class.getName());
  }

  /**
   * A consumer that commits nothing; with a {@code groupPrefix}, in a group of its own (a random
   * suffix), so it never takes partitions from a service's group.
   */
  public static Map<String, Object> reader(String bootstrap, String groupPrefix) {
    var cfg = new HashMap<String, Object>();
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    if (groupPrefix != null) {
      cfg.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + UUID.randomUUID());
    }
    return cfg;
  }
}
