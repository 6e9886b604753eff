package dev.cura.trainer;

import dev.cura.events.CancelRequested;
import dev.cura.events.EventDecodingException;
import dev.cura.events.EventEnvelope;
import dev.cura.messaging.KafkaEvents;
import dev.cura.trainer.messaging.Channels;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code cura.job.cancel}. Every instance reads the whole topic (its own consumer group,
 * from the beginning, see application.properties), so any instance knows every cancelled job,
 * including jobs cancelled while it was down. A running job stops within a step and publishes
 * {@code JobFailed} ({@code user_error}, message {@code cancelled}); a job not started yet never
 * trains.
 */
@ApplicationScoped
public class CancelConsumer {
  private static final Logger LOG = Logger.getLogger(CancelConsumer.class);

  private final KafkaEvents events;
  private final TrainerService trainer;

  CancelConsumer(KafkaEvents events, TrainerService trainer) {
    this.events = events;
    this.trainer = trainer;
  }

  @Incoming(Channels.JOB_CANCEL)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events.handle(
        record,
        CancelRequested.class,
        (EventEnvelope<CancelRequested> e) ->
            Uni.createFrom()
                .item(
                    () -> {
                      CancelRequested c = e.data();
                      if (!mayAct(c)) {
                        throw EventDecodingException.foreignJob(c.jobId());
                      }
                      LOG.infof("job %s: cancel requested", c.jobId());
                      trainer.worker().cancel(c.jobId());
                      return c;
                    })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .replaceWithVoid());
  }

  /** A cancel that names a tenant acts only on that tenant's jobs. */
  private boolean mayAct(CancelRequested c) {
    try {
      return trainer.owners().mayAct(c.tenant(), c.jobId());
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }

  /** True when a cancel for {@code jobId} has been seen. */
  public boolean isCancelled(String jobId) {
    return trainer.worker().isCancelled(jobId);
  }
}
