package dev.cura.registry;

import dev.cura.events.AdapterTrained;
import dev.cura.events.EventEnvelope;
import dev.cura.registry.messaging.Channels;
import dev.cura.registry.messaging.KafkaEvents;
import dev.cura.registry.persistence.ProcessedEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code cura.adapter.trained}: each {@link AdapterTrained} becomes a new immutable
 * adapter version and an {@code AdapterRegistered} event.
 *
 * <p>Skeleton: records the event in the inbox (one transaction, so a redelivery is skipped) and
 * logs; versioning is the registry's domain work, done inside the same transaction.
 */
@ApplicationScoped
public class AdapterTrainedConsumer {
  private static final Logger LOG = Logger.getLogger(AdapterTrainedConsumer.class);

  private final KafkaEvents events;

  AdapterTrainedConsumer(KafkaEvents events) {
    this.events = events;
  }

  @Incoming(Channels.ADAPTER_TRAINED)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events.handle(record, AdapterTrained.class, this::onAdapterTrained);
  }

  Uni<Void> onAdapterTrained(EventEnvelope<AdapterTrained> event) {
    return Panache.withTransaction(
        () ->
            ProcessedEvent.markProcessed(event)
                .invoke(
                    first -> {
                      AdapterTrained a = event.data();
                      if (first) {
                        LOG.infof(
                            "job %s: adapter %s trained (%s)",
                            a.jobId(), a.adapterName(), a.adapterDigest());
                      } else {
                        LOG.infof("job %s: event %s seen before, skipped", a.jobId(), event.id());
                      }
                    })
                .replaceWithVoid());
  }
}
