package dev.cura.gateway;

import dev.cura.events.EncodedEvent;
import dev.cura.events.TrainingProgress;
import dev.cura.testinfra.InboxMessagingContract;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The gateway's Kafka wiring and database against the real (in-JVM) broker and PostgreSQL: the
 * {@link InboxMessagingContract} with FineTuneRequested published and TrainingProgress consumed.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class GatewayMessagingTest extends InboxMessagingContract {
  GatewayMessagingTest() {
    super(
        "gateway",
        SampleEvents::fineTuneRequested,
        job -> new TrainingProgress(job, 3, 0.1, 2.5, 1e-4, 100, 1L << 30, null, null),
        "gw_processed_event");
  }

  @Override
  protected Poison secondPoison(EncodedEvent good) {
    return missingField(good, "loss", "2.5");
  }
}
