package dev.cura.trainer;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * When a partition of {@code cura.checkpoint.quantized} leaves this instance (rebalance, shutdown),
 * the jobs read from it stop here within a step, without a final outcome and without acking: the
 * new owner gets the record again and resumes from the last checkpoint, so one job never trains on
 * two instances for longer than a step. (Cooperative-sticky assignment makes this rare: a joining
 * trainer takes idle partitions first.)
 */
@ApplicationScoped
@Identifier(TrainerRebalanceListener.NAME)
public class TrainerRebalanceListener implements KafkaConsumerRebalanceListener {
  static final String NAME = "cura-trainer-rebalance";
  private static final Logger LOG = Logger.getLogger(TrainerRebalanceListener.class);

  private final JobPartitions partitions;
  private final TrainerLifecycle trainer;
  private final AtomicInteger revocations = new AtomicInteger();

  TrainerRebalanceListener(JobPartitions partitions, TrainerLifecycle trainer) {
    this.partitions = partitions;
    this.trainer = trainer;
  }

  @Override
  public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> revoked) {
    if (!revoked.isEmpty()) {
      revocations.incrementAndGet();
    }
    for (String jobId : partitions.jobsOf(revoked)) {
      LOG.infof("job %s: its partition left this trainer; stopping it here", jobId);
      trainer.worker().release(jobId);
    }
  }

  /** How often partitions were taken from this instance (a rebalance that moved work). */
  public int revocations() {
    return revocations.get();
  }
}
