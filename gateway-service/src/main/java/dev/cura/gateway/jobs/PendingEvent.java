package dev.cura.gateway.jobs;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * An event that arrived before its job was known (events of one job travel on several topics, so an
 * upstream job's progress may overtake its request). Kept encoded, and applied in arrival order as
 * soon as the job's request (or its CheckpointQuantized, which carries the request) arrives.
 */
@Entity
@Table(name = "gw_pending_event", indexes = @Index(name = "gw_pending_job", columnList = "job_id"))
public class PendingEvent extends PanacheEntityBase {
  @Id
  @Column(name = "event_id", length = 200)
  public String eventId;

  @Column(name = "job_id", nullable = false, length = 200)
  public String jobId;

  /** CloudEvents headers as a JSON object of strings. */
  @Column(nullable = false, length = 4000)
  public String headers;

  @Column(nullable = false)
  public byte[] payload;

  @Column(name = "received_at", nullable = false)
  public Instant receivedAt;
}
