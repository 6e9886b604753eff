package dev.cura.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.events.AdapterRegistered;
import dev.cura.events.EncodedEvent;
import dev.cura.rest.inbox.ProcessedEvent;
import dev.cura.testinfra.InboxMessagingContract;
import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.SampleEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;

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

  @Test
  @RunOnVertxContext
  void rowRoundTripsThroughPostgresWithHibernateReactive(UniAsserter asserter) {
    String eventId = "evt-" + UUID.randomUUID();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    asserter.execute(
        () ->
            Panache.withTransaction(
                () -> {
                  var row = new ProcessedEvent();
                  row.eventId = eventId;
                  row.eventType = "dev.cura.AdapterTrained.v1";
                  row.jobId = "ftjob-rt";
                  row.processedAt = at;
                  return row.persist();
                }));
    asserter.assertThat(
        () -> Panache.withSession(() -> ProcessedEvent.<ProcessedEvent>findById(eventId)),
        row -> {
          assertEquals("ftjob-rt", row.jobId);
          assertEquals(at, row.processedAt.truncatedTo(ChronoUnit.MILLIS));
        });
  }
}
