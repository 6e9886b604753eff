package dev.cura.trainer;

import dev.cura.events.CheckpointQuantized;
import dev.cura.events.EventEnvelope;
import dev.cura.messaging.KafkaEvents;
import dev.cura.trainer.job.JobOutcome;
import dev.cura.trainer.messaging.Channels;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code cura.checkpoint.quantized}: each {@link CheckpointQuantized} is one training job,
 * handed to the {@link dev.cura.trainer.job.TrainingWorker} (its own threads, so the event loop and
 * the poll loop never wait on training).
 *
 * <p>Acknowledgement (= offset commit) happens only once the job's outcome is durable and
 * published: the adapter or failure is recorded in the job's ledger in the shared store and the
 * terminal event acknowledged by the broker. Until then the record stays uncommitted, so:
 *
 * <ul>
 *   <li>a trainer that dies mid-job leaves the record to the next owner of the partition, which
 *       resumes from the job's last recorded checkpoint (no restart from zero);
 *   <li>a record delivered again after the job ended re-publishes the recorded terminal event (same
 *       event id, same adapter digest): never a second training run or adapter;
 *   <li>a job whose partition moves to another instance (rebalance) is stopped here within a step
 *       and its record left un-acked for the new owner ({@link TrainerRebalanceListener}).
 * </ul>
 *
 * SmallRye keeps polling with the partition paused while the Uni is pending, so hours of training
 * trigger no rebalance (see application.properties).
 */
@ApplicationScoped
public class CheckpointQuantizedConsumer {
  private final KafkaEvents events;
  private final TrainerLifecycle trainer;
  private final JobPartitions partitions;

  CheckpointQuantizedConsumer(
      KafkaEvents events, TrainerLifecycle trainer, JobPartitions partitions) {
    this.events = events;
    this.trainer = trainer;
    this.partitions = partitions;
  }

  @Incoming(Channels.CHECKPOINT_QUANTIZED)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events.handleThenAckIf(record, CheckpointQuantized.class, e -> onJob(record, e));
  }

  private Uni<Boolean> onJob(Message<byte[]> record, EventEnvelope<CheckpointQuantized> event) {
    String jobId = event.data().jobId();
    TopicPartition tp =
        record
            .getMetadata(IncomingKafkaRecordMetadata.class)
            .map(m -> new TopicPartition(m.getTopic(), m.getPartition()))
            .orElse(null);
    partitions.track(tp, jobId);
    return Uni.createFrom()
        .completionStage(() -> trainer.worker().submit(event))
        .map(JobOutcome::isFinal)
        .onTermination()
        .invoke(() -> partitions.untrack(tp, jobId));
  }
}
