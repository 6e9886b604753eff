package dev.cura.gateway.jobs;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * The job-state projection: one row per fine-tuning job, created by {@code POST
 * /v1/fine_tuning/jobs} or from an upstream {@code FineTuneRequested}, advanced by the job's events
 * ({@link JobProjection}).
 */
@Entity
@Table(
    name = "gw_job",
    indexes = @Index(name = "gw_job_tenant_created", columnList = "tenant, created_at, id"),
    // a job row changes with every event of its job (status, progress); with a fifth of each page
    // left free, PostgreSQL writes the new version in the same page and no index changes (a HOT
    // update) instead of inserting into both indexes (docs/api.md, "Gateway performance")
    options = "WITH (fillfactor = 80)")
public class Job extends PanacheEntityBase {
  @Id
  @Column(length = 200)
  public String id;

  @Column(nullable = false, length = 64)
  public String tenant;

  /** {@link JobStatus#json()}. */
  @Column(nullable = false, length = 32)
  public String status;

  /** Base model id (or URI for upstream jobs). */
  @Column(nullable = false, length = 1024)
  public String model;

  @Column(name = "training_file", length = 200)
  public String trainingFile;

  @Column(name = "validation_file", length = 200)
  public String validationFile;

  /** JSON of the API's {@code hyperparameters} object. */
  @Column(nullable = false, length = 4000)
  public String hyperparameters;

  /** JSON of the API's {@code quantization} object. */
  @Column(nullable = false, length = 1000)
  public String quantization;

  @Column(nullable = false, length = 64)
  public String optimizer;

  @Column(length = 64)
  public String suffix;

  @Column(nullable = false)
  public long seed;

  @Column(name = "adapter_name", nullable = false, length = 200)
  public String adapterName;

  /** {@code rest} or {@code upstream}. */
  @Column(nullable = false, length = 16)
  public String source;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  /** {@code <adapter>:<version>} once registered. */
  @Column(name = "fine_tuned_model", length = 300)
  public String fineTunedModel;

  @Column(name = "error_code", length = 64)
  public String errorCode;

  @Column(name = "error_message", length = 4000)
  public String errorMessage;

  @Column(name = "trained_tokens")
  public Long trainedTokens;

  @Column(name = "estimated_finish")
  public Instant estimatedFinish;

  /** Highest training step seen. */
  @Column(name = "last_step")
  public Long lastStep;

  @Column(name = "total_steps")
  public Long totalSteps;

  /** Training loss at {@link #lastStep}, when finite. */
  @Column(name = "last_loss")
  public Double lastLoss;

  public JobStatus statusEnum() {
    return JobStatus.fromJson(status);
  }
}
