package dev.cura.gateway.jobs;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One entry of a job's event log ({@code GET /v1/fine_tuning/jobs/{id}/events}); entries of kind
 * {@code checkpoint} are also the job's checkpoints. {@code seq} orders them and is the cursor of
 * pagination and of the live stream.
 */
@Entity
@Table(
    name = "gw_job_event",
    indexes = @Index(name = "gw_job_event_job", columnList = "job_id, seq"))
public class JobEventRow extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long seq;

  @Column(name = "job_id", nullable = false, length = 200)
  public String jobId;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** {@code info}, {@code warn} or {@code error}. */
  @Column(nullable = false, length = 8)
  public String level;

  /** {@code message}, {@code metrics} or {@code checkpoint}. */
  @Column(nullable = false, length = 16)
  public String kind;

  @Column(nullable = false, length = 4000)
  public String message;

  /** JSON object with the event's numbers, or null. */
  @Column(length = 8000)
  public String data;

  static JobEventRow of(String jobId, Instant at, JobProjection.Entry e) {
    var row = new JobEventRow();
    row.jobId = jobId;
    row.createdAt = at;
    row.level = e.level();
    row.kind = e.kind();
    row.message = e.message().length() > 4000 ? e.message().substring(0, 4000) : e.message();
    row.data = e.data();
    return row;
  }
}
