package dev.cura.gateway;

import dev.cura.events.CuraEvent;
import dev.cura.gateway.jobs.JobProjection;
import dev.cura.gateway.messaging.Channels;
import dev.cura.messaging.KafkaEvents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes every job event (including {@code FineTuneRequested} from upstream systems and the
 * gateway's own) into the job projection, a batch at a time (each poll of the consumer, {@code
 * batch=true}): the gateway's own requests of jobs that have moved on are passed over undecoded
 * ({@link JobProjection#settled}), the rest in a few transactions ({@link
 * JobProjection#projectAll}), and when that fails each event on its own ({@link
 * JobProjection#project}) with retries and the dead-letter topic, as {@link
 * KafkaEvents#handleBatch} describes.
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
  public Uni<Void> onBatch(Message<List<byte[]>> batch) {
    return events.handleBatch(
        batch, CuraEvent.class, projection::settled, projection::projectAll, projection::project);
  }
}
