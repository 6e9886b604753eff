package dev.cura.messaging;

import dev.cura.events.CuraEvent;
import io.smallrye.mutiny.Uni;

/**
 * What every service's {@code EventPublisher} does: sends an event it publishes to the event's
 * topic, keyed by job id, through {@link TopicEmitters}. Each service has exactly one, so code
 * shared by all services (the messaging contract of cura-testinfra) finds it by this type.
 */
public interface ServicePublisher {
  /**
   * Sends {@code event} in a new envelope from this service; the Uni completes when the broker
   * acknowledged (acks=all).
   *
   * @throws IllegalArgumentException for an event this service does not publish
   */
  Uni<Void> publish(CuraEvent event);
}
