package dev.cura.registry;

import dev.cura.events.AdapterRegistered;
import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.registry.messaging.EventPublisher;
import dev.cura.testinfra.InboxMessagingContract;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The registry's Kafka wiring and database against the real (in-JVM) broker and PostgreSQL: the
 * {@link InboxMessagingContract} with AdapterRegistered published and AdapterTrained consumed.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class RegistryMessagingTest extends InboxMessagingContract {
  @Inject EventPublisher publisher;

  @Override
  protected String service() {
    return "registry";
  }

  @Override
  protected CuraEvent published(String job) {
    return new AdapterRegistered(job, "default", "demo", 2, SampleEvents.SHA_A);
  }

  @Override
  protected void publish(CuraEvent event) {
    publisher.publish(event).await().atMost(WAIT);
  }

  @Override
  protected CuraEvent consumed(String job) {
    return SampleEvents.adapterTrained(job);
  }

  @Override
  protected Poison secondPoison(EncodedEvent good) {
    return missingField(good, "adapter_digest", "\"a{64}\"");
  }

  @Override
  protected String inboxTable() {
    return "reg_processed_event";
  }
}
