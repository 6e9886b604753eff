package dev.cura.testinfra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: a real Kafka broker in the test JVM (see {@link EmbeddedKafka}), with
 * every CURA topic created. For services without a database (quantizer, trainer). Put the same
 * {@code @WithTestResource(KafkaTestResource.class)} on every test class of a module so Quarkus
 * starts the application once.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    return Map.of(
        "kafka.bootstrap.servers",
        EmbeddedKafka.bootstrapServers(),
        "cura.artifact-root",
        InfraSettings.scratch().resolve("cura-artifacts").toString());
  }

  @Override
  public void stop() {
    // shared by every application start of this JVM; a shutdown hook stops the broker
  }
}
