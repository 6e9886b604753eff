package dev.cura.gateway.models;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A registered base model (the catalog is shared by all tenants; admins register models). */
@Entity
@Table(name = "gw_model")
public class BaseModel extends PanacheEntityBase {
  /** The model id jobs refer to, e.g. {@code cura-tiny}. */
  @Id
  @Column(length = 64)
  public String id;

  /** Real path of the Hugging Face directory. */
  @Column(nullable = false, length = 1024)
  public String path;

  /** {@link DirectoryDigest} of the directory. */
  @Column(nullable = false, length = 64)
  public String sha256;

  /** {@code model_type} from config.json, e.g. {@code llama}. */
  @Column(name = "model_type", length = 64)
  public String modelType;

  @Column(nullable = false)
  public long bytes;

  /** Tenant of the admin who registered it. */
  @Column(name = "owned_by", nullable = false, length = 64)
  public String ownedBy;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
