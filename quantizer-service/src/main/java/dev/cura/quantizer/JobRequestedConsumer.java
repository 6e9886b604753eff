package dev.cura.quantizer;

import dev.cura.events.EventEnvelope;
import dev.cura.events.FineTuneRequested;
import dev.cura.messaging.KafkaEvents;
import dev.cura.quantizer.messaging.Channels;
import dev.cura.quantizer.messaging.EventPublisher;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code cura.job.requested}: each {@link FineTuneRequested} becomes a quantized base
 * artifact and a {@code CheckpointQuantized} event (or a {@code JobFailed}). The work runs on
 * {@link QuantizationJobs}' worker pool, never on this event-loop thread; the record is acked once
 * the outcome is on the broker. A redelivered event (same id) is not handled twice; a new request
 * for an existing artifact is a cache hit.
 */
@ApplicationScoped
public class JobRequestedConsumer {
  private static final Logger LOG = Logger.getLogger(JobRequestedConsumer.class);

  private final KafkaEvents events;
  private final EventPublisher publisher;
  private final QuantizationJobs jobs;
  private final Set<String> handled =
      Collections.newSetFromMap(
          Collections.synchronizedMap(
              new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
                  return size() > 100_000;
                }
              }));

  JobRequestedConsumer(KafkaEvents events, EventPublisher publisher, QuantizationJobs jobs) {
    this.events = events;
    this.publisher = publisher;
    this.jobs = jobs;
  }

  @Incoming(Channels.JOB_REQUESTED)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events.handle(record, FineTuneRequested.class, this::onJobRequested);
  }

  Uni<Void> onJobRequested(EventEnvelope<FineTuneRequested> event) {
    FineTuneRequested job = event.data();
    if (!handled.add(event.id())) {
      LOG.infof("event %s (job %s) already handled; skipped", event.id(), job.jobId());
      return Uni.createFrom().voidItem();
    }
    LOG.infof(
        "job %s requested: base %s, quantization %s",
        job.jobId(), job.baseModel().uri(), job.quantization());
    return Uni.createFrom()
        .completionStage(jobs.submit(job))
        .onItem()
        .transformToUni(
            outcome ->
                switch (outcome) {
                  case QuantizeOutcome.Quantized q -> publisher.publish(q.event());
                  case QuantizeOutcome.Failed f -> publisher.publish(f.event());
                  case QuantizeOutcome.Cancelled c -> {
                    LOG.infof("job %s cancelled; no artifact announced", c.jobId());
                    yield Uni.createFrom().voidItem();
                  }
                  // the owner's job fails first (when it is the sender's), then the record is
                  // dead-lettered with the reason (KafkaEvents)
                  case QuantizeOutcome.Refused r ->
                      (r.failed() == null
                              ? Uni.createFrom().voidItem()
                              : publisher.publish(r.failed()))
                          .onItem()
                          .failWith(r::reason);
                });
  }
}
