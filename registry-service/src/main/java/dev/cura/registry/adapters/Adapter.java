package dev.cura.registry.adapters;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * An adapter name of a tenant and its latest version number. Its row is locked to number a new
 * version, so concurrent registrations of one name get 1, 2, 3, … without gaps or duplicates.
 */
@Entity
@Table(name = "reg_adapter")
public class Adapter extends PanacheEntityBase {
  /** {@code <tenant>/<name>}. */
  @Id
  @Column(length = 300)
  public String id;

  @Column(nullable = false, length = 64)
  public String tenant;

  @Column(nullable = false, length = 200)
  public String name;

  @Column(name = "latest_version", nullable = false)
  public int latestVersion;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  static String key(String tenant, String name) {
    return tenant + "/" + name;
  }
}
