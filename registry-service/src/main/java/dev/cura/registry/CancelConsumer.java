package dev.cura.registry;

import dev.cura.core.store.JobOwners;
import dev.cura.events.Topics;
import dev.cura.messaging.KafkaEvents;
import dev.cura.registry.messaging.Channels;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code cura.job.cancel} so that the registry never registers the adapter of a job that
 * was cancelled before its registration. Every instance reads the whole topic (its own consumer
 * group, from the beginning, like the quantizer and the trainer). A cancel that names a tenant acts
 * only on that tenant's jobs (others are dead-lettered, {@code foreign_job}).
 *
 * <p>Cancels and trained adapters come on different topics, so a cancel published first could be
 * read second. {@link #caughtUp} closes that gap: before registering, the registry waits until this
 * consumer has handled every cancel that was on the topic at that moment.
 */
@ApplicationScoped
public class CancelConsumer {
  private static final Logger LOG = Logger.getLogger(CancelConsumer.class);

  private final KafkaEvents events;
  private final KafkaClientService clients;
  private final JobOwners owners;
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

  /** Per partition: the next offset after the last record handled. */
  private final Map<TopicPartition, Long> handled = new ConcurrentHashMap<>();

  CancelConsumer(
      KafkaEvents events,
      KafkaClientService clients,
      @ConfigProperty(name = "cura.artifact-root") String artifactRoot) {
    this.events = events;
    this.clients = clients;
    this.owners = new JobOwners(Path.of(artifactRoot));
  }

  @Incoming(Channels.JOB_CANCEL)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events
        .handleCancel(record, owners::owner, cancelled::add)
        .onTermination()
        .invoke(() -> track(record));
  }

  /** True when a cancel for {@code jobId} has been handled. */
  public boolean isCancelled(String jobId) {
    return cancelled.contains(jobId);
  }

  /**
   * Blocks (a worker thread) until every cancel that is on the topic now has been handled here, or
   * {@code timeout} passed (logged; the registry does not stall on a stuck consumer).
   */
  public void awaitCaughtUp(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    java.util.function.Function<
            org.apache.kafka.clients.consumer.Consumer<String, byte[]>, Map<TopicPartition, Long>>
        endOffsets =
            c ->
                c.endOffsets(
                    c.partitionsFor(Topics.JOB_CANCEL).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .collect(Collectors.toSet()));
    Map<TopicPartition, Long> ends;
    try {
      ends =
          clients
              .<String, byte[]>getConsumer(Channels.JOB_CANCEL)
              .runOnPollingThread(endOffsets)
              .await()
              .atMost(timeout);
    } catch (RuntimeException e) {
      LOG.warnf("cancel topic offsets unknown (%s); registering anyway", e.toString());
      return;
    }
    while (!behind(ends).isEmpty()) {
      if (System.nanoTime() > deadline) {
        LOG.warnf("cancels not caught up within %s; registering anyway", timeout);
        return;
      }
      Thread.sleep(20);
    }
  }

  private Set<TopicPartition> behind(Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream()
        .filter(e -> handled.getOrDefault(e.getKey(), 0L) < e.getValue())
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  private void track(Message<byte[]> record) {
    record
        .getMetadata(IncomingKafkaRecordMetadata.class)
        .ifPresent(
            m ->
                handled.merge(
                    new TopicPartition(m.getTopic(), m.getPartition()),
                    m.getOffset() + 1,
                    Math::max));
  }
}
