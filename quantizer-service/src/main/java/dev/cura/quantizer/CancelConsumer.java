package dev.cura.quantizer;

import dev.cura.messaging.KafkaEvents;
import dev.cura.quantizer.messaging.Channels;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code cura.job.cancel}. Every instance reads the whole topic (its own consumer group,
 * from the beginning, see application.properties), so any instance knows every cancelled job,
 * including jobs cancelled while it was down. {@link QuantizationJobs} skips cancelled jobs.
 */
@ApplicationScoped
public class CancelConsumer {
  private final KafkaEvents events;
  private final QuantizationJobs jobs;

  CancelConsumer(KafkaEvents events, QuantizationJobs jobs) {
    this.events = events;
    this.jobs = jobs;
  }

  @Incoming(Channels.JOB_CANCEL)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events.handleCancel(record, jobs::owner, jobs::cancel);
  }
}
