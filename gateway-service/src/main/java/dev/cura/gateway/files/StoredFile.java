package dev.cura.gateway.files;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/** An uploaded, validated training or validation file of a tenant. */
@Entity
@Table(
    name = "gw_file",
    indexes = @Index(name = "gw_file_tenant", columnList = "tenant, created_at"))
public class StoredFile extends PanacheEntityBase {
  /** {@code file-…}. */
  @Id
  @Column(length = 64)
  public String id;

  @Column(nullable = false, length = 64)
  public String tenant;

  @Column(nullable = false, length = 255)
  public String filename;

  @Column(nullable = false, length = 32)
  public String purpose;

  @Column(nullable = false)
  public long bytes;

  /** Lowercase hex SHA-256 of the bytes. */
  @Column(nullable = false, length = 64)
  public String sha256;

  /** Where other services read it: {@code cas:sha256/<digest>/data.jsonl}. */
  @Column(nullable = false, length = 512)
  public String uri;

  /** {@code chat} or {@code completion}. */
  @Column(nullable = false, length = 16)
  public String format;

  @Column(nullable = false)
  public long examples;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** The tenant's file, or null (another tenant's file is as absent as a missing one). */
  public static Uni<StoredFile> findOwned(String tenant, String id) {
    return StoredFile.<StoredFile>findById(id)
        .map(f -> f != null && f.tenant.equals(tenant) ? f : null);
  }
}
