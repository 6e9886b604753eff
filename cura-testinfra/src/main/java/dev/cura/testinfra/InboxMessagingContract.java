package dev.cura.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.events.EncodedEvent;
import dev.cura.rest.inbox.ProcessedEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * The {@link MessagingContract} of a service with an inbox (cura-rest's {@link ProcessedEvent} in
 * its own table, PostgreSQL): the good record is delivered twice and leaves one inbox row, and an
 * inbox row round-trips through PostgreSQL with Hibernate Reactive.
 */
public abstract class InboxMessagingContract extends MessagingContract {
  /** The service's inbox table, e.g. {@code gw_processed_event}. */
  protected abstract String inboxTable();

  @Override
  protected RecordMetadata sendGood(EncodedEvent good) {
    TestKafka.send(good);
    // the same event again (a redelivery): the inbox must make it a no-op
    return TestKafka.send(good);
  }

  @Override
  protected void assertGoodRecordHandled(String key) throws Exception {
    assertEquals(
        1,
        EmbeddedPostgresServer.count(
            "select count(*) from " + inboxTable() + " where job_id = ?", key),
        "one inbox row for the event and its redelivery");
  }

  @Test
  @RunOnVertxContext
  void rowRoundTripsThroughPostgresWithHibernateReactive(UniAsserter asserter) {
    String eventId = "evt-" + UUID.randomUUID();
    String eventType = "dev.cura." + consumed("ftjob-rt").getClass().getSimpleName() + ".v1";
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    asserter.execute(
        () ->
            Panache.withTransaction(
                () -> {
                  var row = new ProcessedEvent();
                  row.eventId = eventId;
                  row.eventType = eventType;
                  row.jobId = "ftjob-rt";
                  row.processedAt = at;
                  return row.persist();
                }));
    asserter.assertThat(
        () -> Panache.withSession(() -> ProcessedEvent.<ProcessedEvent>findById(eventId)),
        row -> {
          assertEquals("ftjob-rt", row.jobId);
          assertEquals(eventType, row.eventType);
          assertEquals(at, row.processedAt.truncatedTo(ChronoUnit.MILLIS));
        });
  }
}
