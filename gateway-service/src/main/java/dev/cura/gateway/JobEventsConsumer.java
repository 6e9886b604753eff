package dev.cura.gateway;

import dev.cura.events.CuraEvent;
import dev.cura.events.EventEnvelope;
import dev.cura.gateway.jobs.JobService;
import dev.cura.gateway.jobs.RequestedFastPath;
import dev.cura.gateway.messaging.Channels;
import dev.cura.messaging.KafkaEvents;
import dev.cura.rest.inbox.ProcessedEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes every job event (including {@code FineTuneRequested} from upstream systems and the
 * gateway's own) and projects it onto the job's state ({@link JobService#project}): one transaction
 * per event that first records the event id in the inbox, so a redelivery or duplicate is skipped.
 */
@ApplicationScoped
public class JobEventsConsumer {
  private final KafkaEvents events;
  private final JobService jobs;
  private final RequestedFastPath fastPath;

  JobEventsConsumer(KafkaEvents events, JobService jobs, RequestedFastPath fastPath) {
    this.events = events;
    this.jobs = jobs;
    this.fastPath = fastPath;
  }

  @Incoming(Channels.JOB_EVENTS)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events.handle(record, CuraEvent.class, this::onJobEvent);
  }

  Uni<Void> onJobEvent(EventEnvelope<CuraEvent> event) {
    return fastPath
        .tryApply(event)
        .flatMap(
            handled ->
                handled
                    ? Uni.createFrom().voidItem()
                    : Panache.withTransaction(
                        () ->
                            ProcessedEvent.markProcessed(event)
                                .flatMap(
                                    first ->
                                        first
                                            ? jobs.project(event)
                                            : Uni.createFrom().voidItem())));
  }
}
