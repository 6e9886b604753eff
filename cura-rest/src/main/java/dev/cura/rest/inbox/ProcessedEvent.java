package dev.cura.rest.inbox;

import dev.cura.events.EventEnvelope;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.time.Instant;

/**
 * A service's inbox: one row per event it has handled, keyed by the CloudEvents id, so a
 * redelivered or duplicated event is recognised and skipped (delivery is at-least-once; handlers
 * are idempotent, DESIGN §2). The table is named per service in its {@code META-INF/orm.xml}
 * ({@code gw_processed_event}, {@code reg_processed_event}): the gateway and the registry may share
 * one database.
 */
@Entity
public class ProcessedEvent extends PanacheEntityBase {
  /** CloudEvents {@code id}. */
  @Id
  @Column(name = "event_id", length = 200)
  public String eventId;

  /** CloudEvents {@code type}, e.g. {@code dev.cura.AdapterTrained.v1}. */
  @Column(name = "event_type", nullable = false, length = 200)
  public String eventType;

  @Column(name = "job_id", nullable = false, length = 200)
  public String jobId;

  @Column(name = "processed_at", nullable = false)
  public Instant processedAt;

  /**
   * Records {@code event} as handled, inside the caller's transaction.
   *
   * @return true when this is the first time, false for a redelivery (skip the work)
   */
  public static Uni<Boolean> markProcessed(EventEnvelope<?> event) {
    return ProcessedEvent.<ProcessedEvent>findById(event.id())
        .onItem()
        .transformToUni(
            seen -> {
              if (seen != null) {
                return Uni.createFrom().item(false);
              }
              var row = new ProcessedEvent();
              row.eventId = event.id();
              row.eventType = event.type().ceType();
              row.jobId = event.data().jobId();
              row.processedAt = Instant.now();
              return row.persist().replaceWith(true);
            });
  }
}
