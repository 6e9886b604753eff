package dev.cura.quantizer;

import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.quantizer.messaging.Channels;
import dev.cura.quantizer.messaging.KafkaEvents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code cura.job.requested}: each {@link FineTuneRequested} becomes a quantized base
 * artifact and a {@code CheckpointQuantized} event.
 *
 * <p>Skeleton: decodes, logs and acknowledges; the quantization itself is the quantizer's domain
 * work (blocking: run it on a worker, see docs/services.md).
 */
@ApplicationScoped
public class JobRequestedConsumer {
  private static final Logger LOG = Logger.getLogger(JobRequestedConsumer.class);

  private final KafkaEvents events;

  JobRequestedConsumer(KafkaEvents events) {
    this.events = events;
  }

  @Incoming(Channels.JOB_REQUESTED)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events.handle(record, FineTuneRequested.class, this::onJobRequested);
  }

  Uni<Void> onJobRequested(EventEnvelope<FineTuneRequested> event) {
    FineTuneRequested job = event.data();
    LOG.infof(
        "job %s requested: base %s, adapter %s",
        job.jobId(), job.baseModel().uri(), job.adapterName());
    return Uni.createFrom().voidItem();
  }
}
