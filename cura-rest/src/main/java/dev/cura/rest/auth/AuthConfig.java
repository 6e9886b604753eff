package dev.cura.rest.auth;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** API-key settings of a REST service ({@code cura.*}; docs/api.md, "Authentication"). */
@ApplicationScoped
public class AuthConfig {
  @ConfigProperty(name = "cura.bootstrap-api-key")
  Optional<String> bootstrapKey;

  @ConfigProperty(name = "cura.bootstrap-tenant", defaultValue = "default")
  String bootstrapTenant;

  @ConfigProperty(name = "cura.auth.cache-ttl", defaultValue = "5s")
  Duration cacheTtl;

  @ConfigProperty(name = "cura.auth.cache-size", defaultValue = "10000")
  long cacheSize;

  @ConfigProperty(name = "cura.auth.max-failures", defaultValue = "20")
  int maxFailures;

  @ConfigProperty(name = "cura.auth.failure-window", defaultValue = "60s")
  Duration failureWindow;

  /** The operator key registered at start ({@code CURA_BOOTSTRAP_API_KEY}); none when unset. */
  public Optional<String> bootstrapKey() {
    return bootstrapKey.filter(k -> !k.isBlank());
  }

  /** The tenant of the bootstrap key. */
  public String bootstrapTenant() {
    return bootstrapTenant;
  }

  /** Known keys are cached this long: a key revoked elsewhere stops working within it. */
  public Duration cacheTtl() {
    return cacheTtl;
  }

  /** At most this many known keys are cached. */
  public long cacheSize() {
    return cacheSize;
  }

  /** Failed authentications one client address may make per {@link #failureWindow}. */
  public int maxFailures() {
    return maxFailures;
  }

  public Duration failureWindow() {
    return failureWindow;
  }
}
