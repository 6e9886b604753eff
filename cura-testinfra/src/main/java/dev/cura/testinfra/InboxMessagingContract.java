package dev.cura.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cura.events.CuraEvent;
import dev.cura.events.EncodedEvent;
import dev.cura.events.EventEnvelope;
import java.util.function.Function;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The {@link MessagingContract} of a service with an inbox (cura-rest's {@code ProcessedEvent} in
 * its own table, PostgreSQL): the good record is delivered twice and leaves one inbox row. The
 * service writes the row through Hibernate Reactive and, on the redelivery, reads it back there
 * ({@code ProcessedEvent.markProcessed}); the test reads it with plain JDBC.
 */
public abstract class InboxMessagingContract extends MessagingContract {
  private final String inboxTable;

  /**
   * @param inboxTable the service's inbox table, e.g. {@code gw_processed_event}
   * @see MessagingContract#MessagingContract
   */
  protected InboxMessagingContract(
      String service,
      Function<String, CuraEvent> published,
      Function<String, CuraEvent> consumed,
      String inboxTable) {
    super(service, published, consumed);
    this.inboxTable = inboxTable;
  }

  @Override
  protected RecordMetadata sendGood(EncodedEvent good) {
    TestKafka.send(good);
    // the same event again (a redelivery): the inbox must make it a no-op
    return TestKafka.send(good);
  }

  @Override
  protected void assertGoodRecordHandled(String key) throws Exception {
    String type = EventEnvelope.create("/test", consumed(key)).type().ceType();
    assertEquals(
        1,
        EmbeddedPostgresServer.count(
            "select count(*) from "
                + inboxTable
                + " where job_id = ? and event_type = ? and processed_at is not null",
            key,
            type),
        "one inbox row, with the event's type and when, for the event and its redelivery");
  }
}
