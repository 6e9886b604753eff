package dev.cura.registry.adapters;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/**
 * One immutable adapter version. Unique per (tenant, name, version), and per (tenant, job): a
 * redelivered {@code AdapterTrained} of the same job finds its version instead of making another.
 */
@Entity
@Table(
    name = "reg_adapter_version",
    uniqueConstraints = {
      @UniqueConstraint(
          name = "reg_version_number",
          columnNames = {"tenant", "name", "version"}),
      @UniqueConstraint(
          name = "reg_version_job",
          columnNames = {"tenant", "job_id"})
    })
public class AdapterVersion extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false, length = 64)
  public String tenant;

  @Column(nullable = false, length = 200)
  public String name;

  @Column(nullable = false)
  public int version;

  @Column(name = "job_id", nullable = false, length = 200)
  public String jobId;

  /** Directory digest of the adapter = its artifact-store key. */
  @Column(nullable = false, length = 64)
  public String digest;

  @Column(nullable = false, length = 1024)
  public String uri;

  /** JSON: the event's {@code Lineage} (snake_case). */
  @Column(nullable = false, length = 16000)
  public String lineage;

  /** JSON object of final metrics. */
  @Column(nullable = false, length = 4000)
  public String metrics;

  /** JSON object {file name: {"bytes","sha256"}} of the adapter's files. */
  @Column(nullable = false, length = 4000)
  public String files;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
