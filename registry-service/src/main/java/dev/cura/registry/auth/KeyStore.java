package dev.cura.registry.auth;

import dev.cura.rest.auth.ApiKeys;
import dev.cura.rest.auth.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * (Same as the gateway's class of this name: the services share API keys and error shapes.)
 *
 * <p>Resolves API keys to tenants. Lookups hit PostgreSQL once per key per {@value #TTL_SECONDS}
 * seconds (a small cache keeps authentication off the hot path of job submission); keys are only
 * ever added, so a stale positive entry is safe, and unknown keys are cached briefly too.
 *
 * <p>At start it registers {@code cura.bootstrap-api-key} (the development key of {@code ./cura
 * up}) as an admin key of tenant {@code default}.
 */
@ApplicationScoped
public class KeyStore {
  static final long TTL_SECONDS = 30;
  private static final Logger LOG = Logger.getLogger(KeyStore.class);

  private record Cached(Optional<Caller.Principal> principal, Instant until) {}

  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Pool pool;
  private final Optional<String> bootstrapKey;

  KeyStore(Pool pool, @ConfigProperty(name = "cura.bootstrap-api-key") Optional<String> bootstrap) {
    this.pool = pool;
    this.bootstrapKey = bootstrap.filter(k -> !k.isBlank());
  }

  void onStart(@Observes StartupEvent ev) throws Throwable {
    if (bootstrapKey.isPresent()) {
      // Hibernate Reactive needs a Vert.x context, which a startup observer does not have
      VertxContextSupport.subscribeAndAwait(
          () -> Panache.withTransaction(() -> add(bootstrapKey.get(), "default", true)));
      LOG.info("bootstrap API key registered for tenant 'default' (admin)");
    }
  }

  /** The key's tenant and role, or empty for an unknown key. */
  public Uni<Optional<Caller.Principal>> resolve(String key) {
    String hash = ApiKeys.hash(key);
    Cached hit = cache.get(hash);
    if (hit != null && hit.until.isAfter(Instant.now())) {
      return Uni.createFrom().item(hit.principal);
    }
    return pool.preparedQuery("SELECT tenant, admin FROM reg_api_key WHERE key_hash = $1")
        .execute(Tuple.of(hash))
        .map(
            rows -> {
              Optional<Caller.Principal> p =
                  rows.size() == 0
                      ? Optional.empty()
                      : Optional.of(
                          new Caller.Principal(
                              rows.iterator().next().getString("tenant"),
                              rows.iterator().next().getBoolean("admin")));
              // unknown keys are re-checked sooner: a key created a moment ago must work soon
              long ttl = p.isPresent() ? TTL_SECONDS : 2;
              cache.put(hash, new Cached(p, Instant.now().plusSeconds(ttl)));
              return p;
            });
  }

  /**
   * Adds a key (inside the caller's transaction). Adding an existing key with the same tenant and
   * role is a no-op; with another tenant or role it fails.
   */
  public Uni<ApiKey> add(String key, String tenant, boolean admin) {
    String hash = ApiKeys.hash(ApiKeys.checkKey(key));
    ApiKeys.checkTenant(tenant);
    return ApiKey.<ApiKey>findById(hash)
        .flatMap(
            existing -> {
              if (existing != null) {
                if (!existing.tenant.equals(tenant) || existing.admin != admin) {
                  return Uni.createFrom()
                      .failure(
                          new IllegalArgumentException(
                              "this key is already registered for another tenant or role"));
                }
                return Uni.createFrom().item(existing);
              }
              var row = new ApiKey();
              row.keyHash = hash;
              row.tenant = tenant;
              row.admin = admin;
              row.keyPrefix = ApiKeys.prefix(key);
              row.createdAt = Instant.now();
              cache.remove(hash);
              return row.<ApiKey>persist();
            });
  }
}
