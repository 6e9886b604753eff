package dev.cura.gateway;

import dev.cura.events.CuraEvent;
import dev.cura.gateway.jobs.JobProjection;
import dev.cura.gateway.messaging.Channels;
import dev.cura.messaging.KafkaEvents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes every job event (including {@code FineTuneRequested} from upstream systems and the
 * gateway's own) into the job projection ({@link JobProjection#project}).
 */
@ApplicationScoped
public class JobEventsConsumer {
  private final KafkaEvents events;
  private final JobProjection projection;

  JobEventsConsumer(KafkaEvents events, JobProjection projection) {
    this.events = events;
    this.projection = projection;
  }

  @Incoming(Channels.JOB_EVENTS)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events.handle(record, CuraEvent.class, projection::project);
  }
}
