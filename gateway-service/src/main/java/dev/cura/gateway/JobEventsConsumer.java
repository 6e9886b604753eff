package dev.cura.gateway;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventEnvelope;
import dev.cura.gateway.messaging.Channels;
import dev.cura.gateway.messaging.KafkaEvents;
import dev.cura.gateway.persistence.ProcessedEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes every job event and projects it onto the job's state (DESIGN §2 status vocabulary).
 *
 * <p>Skeleton: records each event in the inbox (one transaction; a redelivery is skipped) and logs
 * it; the projection itself (jobs table, events, checkpoints, SSE) is the gateway's domain work,
 * done inside the same transaction, switching on the event record:
 *
 * <pre>{@code
 * switch (event.data()) {
 *   case FineTuneRequested r -> ...;   // queued
 *   case CheckpointQuantized q -> ...; // running
 *   ...
 * }
 * }</pre>
 */
@ApplicationScoped
public class JobEventsConsumer {
  private static final Logger LOG = Logger.getLogger(JobEventsConsumer.class);

  private final KafkaEvents events;

  JobEventsConsumer(KafkaEvents events) {
    this.events = events;
  }

  @Incoming(Channels.JOB_EVENTS)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events.handle(record, CuraEvent.class, this::onJobEvent);
  }

  Uni<Void> onJobEvent(EventEnvelope<CuraEvent> event) {
    return Panache.withTransaction(
        () ->
            ProcessedEvent.markProcessed(event)
                .invoke(
                    first ->
                        LOG.debugf(
                            "job %s: %s %s",
                            event.data().jobId(),
                            event.type().eventName(),
                            first ? "projected" : "seen before, skipped"))
                .replaceWithVoid());
  }
}
