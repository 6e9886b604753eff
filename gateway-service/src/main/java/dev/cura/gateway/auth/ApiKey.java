package dev.cura.gateway.auth;

import dev.cura.rest.auth.ApiKeys;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An API key of a tenant, stored as its SHA-256 only ({@link ApiKeys#hash}). */
@Entity
@Table(name = "gw_api_key")
public class ApiKey extends PanacheEntityBase {
  /** Hex SHA-256 of the key. */
  @Id
  @Column(name = "key_hash", length = 64)
  public String keyHash;

  @Column(nullable = false, length = 64)
  public String tenant;

  /** Admin keys may register base models and create keys. */
  @Column(nullable = false)
  public boolean admin;

  /** First characters of the key, for listings. */
  @Column(name = "key_prefix", nullable = false, length = 16)
  public String keyPrefix;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
