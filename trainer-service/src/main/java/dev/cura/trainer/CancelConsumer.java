package dev.cura.trainer;

import dev.cura.messaging.KafkaEvents;
import dev.cura.trainer.messaging.Channels;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code cura.job.cancel}. Every instance reads the whole topic (its own consumer group,
 * from the beginning, see application.properties), so any instance knows every cancelled job,
 * including jobs cancelled while it was down. A running job stops within a step and publishes
 * {@code JobFailed} ({@code user_error}, message {@code cancelled}); a job not started yet never
 * trains.
 */
@ApplicationScoped
public class CancelConsumer {
  private final KafkaEvents events;
  private final TrainerLifecycle trainer;

  CancelConsumer(KafkaEvents events, TrainerLifecycle trainer) {
    this.events = events;
    this.trainer = trainer;
  }

  @Incoming(Channels.JOB_CANCEL)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events.handleCancel(
        record, jobId -> trainer.owners().owner(jobId), jobId -> trainer.worker().cancel(jobId));
  }
}
