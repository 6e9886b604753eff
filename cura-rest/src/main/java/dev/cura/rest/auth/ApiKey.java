package dev.cura.rest.auth;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import java.time.Instant;

/**
 * An API key of a tenant, stored as its SHA-256 only ({@link ApiKeys#hash}). The table is named per
 * service in its {@code META-INF/orm.xml} ({@code gw_api_key}, {@code reg_api_key}): the gateway
 * and the registry may share one database, and each keeps its own keys.
 */
@Entity
public class ApiKey extends PanacheEntityBase {
  /** Hex SHA-256 of the key. */
  @Id
  @Column(name = "key_hash", length = 64)
  public String keyHash;

  @Column(nullable = false, length = 64)
  public String tenant;

  /** Kept for rows written before roles: true for admin and operator keys. */
  @Column(nullable = false)
  public boolean admin;

  /** Null in rows written before roles ({@link #role()} reads {@link #admin} then). */
  @Enumerated(EnumType.STRING)
  @Column(length = 16)
  public Role role;

  /** First characters of the key, for listings. */
  @Column(name = "key_prefix", nullable = false, length = 16)
  public String keyPrefix;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** When the key stopped working; null while it works. */
  @Column(name = "revoked_at")
  public Instant revokedAt;

  /** The key's role, also for rows written before roles. */
  public Role role() {
    return role != null ? role : admin ? Role.ADMIN : Role.MEMBER;
  }

  /** The public id ({@link ApiKeys#id}). */
  public String id() {
    return ApiKeys.id(keyHash);
  }
}
