package dev.cura.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.events.EncodedEvent;
import dev.cura.events.TrainingProgress;
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
                  row.eventType = "dev.cura.TrainingProgress.v1";
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
