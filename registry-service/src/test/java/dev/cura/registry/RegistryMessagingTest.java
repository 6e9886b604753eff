package dev.cura.registry;

import dev.cura.events.AdapterRegistered;
import dev.cura.events.EncodedEvent;
import dev.cura.testinfra.InboxMessagingContract;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The registry's Kafka wiring and database against the real (in-JVM) broker and PostgreSQL: the
 * {@link InboxMessagingContract} with AdapterRegistered published and AdapterTrained consumed.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class RegistryMessagingTest extends InboxMessagingContract {
  RegistryMessagingTest() {
    super(
        "registry",
        job -> new AdapterRegistered(job, "default", "demo", 2, SampleEvents.SHA_A),
        SampleEvents::adapterTrained,
        "reg_processed_event");
  }

  @Override
  protected Poison secondPoison(EncodedEvent good) {
    return missingField(good, "adapter_digest", "\"a{64}\"");
  }
}
