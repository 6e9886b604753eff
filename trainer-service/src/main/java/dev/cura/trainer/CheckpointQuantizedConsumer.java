package dev.cura.trainer;

import dev.cura.events.CheckpointQuantized;
import dev.cura.events.EventEnvelope;
import dev.cura.trainer.messaging.Channels;
import dev.cura.trainer.messaging.KafkaEvents;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code cura.checkpoint.quantized}: each {@link CheckpointQuantized} is one training run.
 *
 * <p>A run takes hours. It runs off the event loop (the returned Uni completes when it ends), one
 * at a time per instance; the record is acknowledged only then, so a trainer that dies mid-run
 * leaves the record uncommitted and another trainer gets it and resumes from the job's last
 * checkpoint. SmallRye keeps polling on its own thread and pauses the partitions meanwhile, so no
 * rebalance happens (see application.properties and docs/services.md).
 *
 * <p>Skeleton: decodes and logs; the training itself is the trainer's domain work.
 */
@ApplicationScoped
public class CheckpointQuantizedConsumer {
  private static final Logger LOG = Logger.getLogger(CheckpointQuantizedConsumer.class);

  private final KafkaEvents events;

  CheckpointQuantizedConsumer(KafkaEvents events) {
    this.events = events;
  }

  @Incoming(Channels.CHECKPOINT_QUANTIZED)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events.handle(record, CheckpointQuantized.class, this::onCheckpointQuantized);
  }

  Uni<Void> onCheckpointQuantized(EventEnvelope<CheckpointQuantized> event) {
    return Uni.createFrom()
        .item(
            () -> {
              CheckpointQuantized job = event.data();
              LOG.infof(
                  "job %s: quantized base %s ready (%.3f bits/param)",
                  job.jobId(), job.artifactDigest(), job.bitsPerParam());
              return (Void) null;
            })
        // blocking, long work never runs on the event loop
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }
}
