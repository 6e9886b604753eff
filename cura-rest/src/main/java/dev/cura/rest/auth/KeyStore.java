package dev.cura.rest.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The service's API keys. A lookup hits the database once per key per {@link AuthConfig#cacheTtl}:
 * known keys are cached (Caffeine, bounded by {@link AuthConfig#cacheSize}), unknown ones never —
 * random bearer tokens cannot fill memory — and a revocation takes effect here at once and in every
 * other instance within the TTL.
 *
 * <p>At start it registers {@code cura.bootstrap-api-key} (the development key of {@code ./cura
 * up}, the first key of a deployment) as an operator key of {@code cura.bootstrap-tenant}.
 */
@ApplicationScoped
public class KeyStore {
  private static final Logger LOG = Logger.getLogger(KeyStore.class);

  private final AuthConfig config;
  private final Cache<String, Caller.Principal> known;

  KeyStore(AuthConfig config) {
    this.config = config;
    this.known =
        Caffeine.newBuilder()
            .maximumSize(config.cacheSize())
            .expireAfterWrite(config.cacheTtl())
            .build();
  }

  void onStart(@Observes StartupEvent ev) throws Throwable {
    Optional<String> key = config.bootstrapKey();
    if (key.isEmpty()) {
      return;
    }
    ApiKeys.checkKey(key.get());
    // Hibernate Reactive needs a Vert.x context, which a startup observer does not have
    boolean registered =
        VertxContextSupport.subscribeAndAwait(
            () ->
                Panache.withTransaction(
                    () -> bootstrap(key.get(), ApiKeys.checkTenant(config.bootstrapTenant()))));
    if (registered) {
      LOG.infof(
          "bootstrap API key registered for tenant '%s' (operator)", config.bootstrapTenant());
    } else {
      LOG.warnf("the bootstrap API key was revoked; it stays revoked");
    }
  }

  private Uni<Boolean> bootstrap(String key, String tenant) {
    String hash = ApiKeys.hash(key);
    return ApiKey.<ApiKey>findById(hash)
        .flatMap(
            existing -> {
              if (existing == null) {
                return insert(hash, key, tenant, Role.OPERATOR).replaceWith(true);
              }
              if (existing.revokedAt != null) {
                return Uni.createFrom().item(false);
              }
              // rows written before roles held the bootstrap key as a plain admin
              existing.tenant = tenant;
              existing.role = Role.OPERATOR;
              existing.admin = true;
              known.invalidate(hash);
              return Uni.createFrom().item(true);
            });
  }

  /** The key's tenant and role if it is cached now (no database lookup), else empty. */
  public Optional<Caller.Principal> cached(String key) {
    return Optional.ofNullable(known.getIfPresent(ApiKeys.hash(key)));
  }

  /** The key's tenant and role, or empty for an unknown or revoked key. */
  public Uni<Optional<Caller.Principal>> resolve(String key) {
    String hash = ApiKeys.hash(key);
    Caller.Principal hit = known.getIfPresent(hash);
    if (hit != null) {
      return Uni.createFrom().item(Optional.of(hit));
    }
    return Panache.withSession(() -> ApiKey.<ApiKey>findById(hash))
        .map(
            row -> {
              if (row == null || row.revokedAt != null) {
                return Optional.empty();
              }
              var p = new Caller.Principal(row.tenant, row.role(), row.id());
              known.put(hash, p);
              return Optional.of(p);
            });
  }

  /**
   * Adds a key (inside the caller's transaction). Adding an existing key with the same tenant and
   * role is a no-op; with another tenant or role, or a revoked key, it fails.
   *
   * @throws IllegalStateException (in the Uni) when the key exists otherwise
   */
  public Uni<ApiKey> add(String key, String tenant, Role role) {
    String hash = ApiKeys.hash(ApiKeys.checkKey(key));
    ApiKeys.checkTenant(tenant);
    return ApiKey.<ApiKey>findById(hash)
        .flatMap(
            existing -> {
              if (existing == null) {
                return insert(hash, key, tenant, role);
              }
              if (existing.revokedAt != null) {
                return Uni.createFrom()
                    .failure(new IllegalStateException("this key was revoked; make a new one"));
              }
              if (!existing.tenant.equals(tenant) || existing.role() != role) {
                return Uni.createFrom()
                    .failure(
                        new IllegalStateException(
                            "this key is already registered for another tenant or role"));
              }
              return Uni.createFrom().item(existing);
            });
  }

  private Uni<ApiKey> insert(String hash, String key, String tenant, Role role) {
    var row = new ApiKey();
    row.keyHash = hash;
    row.tenant = tenant;
    row.role = role;
    row.admin = role != Role.MEMBER;
    row.keyPrefix = ApiKeys.prefix(key);
    row.createdAt = Instant.now();
    return row.persist();
  }

  /** Keys of one tenant, or of all when {@code tenant} is null; oldest first. */
  public Uni<List<ApiKey>> list(String tenant) {
    return tenant == null
        ? ApiKey.<ApiKey>find("order by createdAt, keyHash").list()
        : ApiKey.<ApiKey>find("tenant = ?1 order by createdAt, keyHash", tenant).list();
  }

  /** The key with this public id ({@link ApiKeys#id}), or null. */
  public Uni<ApiKey> byId(String id) {
    if (!ApiKeys.isId(id)) {
      return Uni.createFrom().nullItem();
    }
    return ApiKey.<ApiKey>find("keyHash like ?1", id.substring(4) + "%").firstResult();
  }

  /** Revokes {@code row} (inside the caller's transaction); it stops working here at once. */
  public ApiKey revoke(ApiKey row) {
    if (row.revokedAt == null) {
      row.revokedAt = Instant.now();
    }
    known.invalidate(row.keyHash);
    return row;
  }
}
