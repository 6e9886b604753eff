package dev.cura.registry;

import dev.cura.events.AdapterTrained;
import dev.cura.messaging.KafkaEvents;
import dev.cura.registry.adapters.RegistryService;
import dev.cura.registry.messaging.Channels;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code cura.adapter.trained}: each {@link AdapterTrained} becomes a new immutable
 * adapter version and an {@code AdapterRegistered} event ({@link RegistryService}). Idempotent by
 * (tenant, job id) rather than by event id: a redelivery must re-publish the version it got.
 */
@ApplicationScoped
public class AdapterTrainedConsumer {
  private final KafkaEvents events;
  private final RegistryService registry;

  AdapterTrainedConsumer(KafkaEvents events, RegistryService registry) {
    this.events = events;
    this.registry = registry;
  }

  @Incoming(Channels.ADAPTER_TRAINED)
  public Uni<Void> onRecord(Message<byte[]> record) {
    return events.handle(record, AdapterTrained.class, registry::onAdapterTrained);
  }
}
