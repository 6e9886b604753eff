package dev.cura.registry.adapters;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A movable name ({@code prod}, {@code staging}) for one version of an adapter. */
@Entity
@Table(name = "reg_alias")
public class Alias extends PanacheEntityBase {
  /** {@code <tenant>/<adapter>/<alias>}. */
  @Id
  @Column(length = 400)
  public String id;

  @Column(nullable = false, length = 64)
  public String tenant;

  @Column(nullable = false, length = 200)
  public String adapter;

  @Column(nullable = false, length = 64)
  public String alias;

  @Column(nullable = false)
  public int version;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;
}
