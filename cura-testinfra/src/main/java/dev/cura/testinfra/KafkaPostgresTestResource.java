package dev.cura.testinfra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Quarkus test resource: a real Kafka broker and a real PostgreSQL, both started once per test JVM
 * (see {@link EmbeddedKafka} and {@link EmbeddedPostgresServer}). For services with a database
 * (gateway, registry). Put the same {@code @WithTestResource(KafkaPostgresTestResource.class)} on
 * every test class of a module so Quarkus starts the application once.
 */
public class KafkaPostgresTestResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    var config = new HashMap<>(new KafkaTestResource().start());
    EmbeddedPostgresServer.Connection pg = EmbeddedPostgresServer.connection();
    config.put("quarkus.datasource.reactive.url", pg.reactiveUrl());
    config.put("quarkus.datasource.username", pg.user());
    config.put("quarkus.datasource.password", pg.password());
    return config;
  }

  @Override
  public void stop() {
    // shared by every application start of this JVM; shutdown hooks stop the servers
  }
}
