package dev.cura.gateway.jobs;

import dev.cura.rest.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Caps and lifetimes of live event streams ({@code cura.sse.*}, docs/api.md): at most {@code
 * max-per-tenant} open streams per tenant and {@code max-per-instance} per gateway instance (429
 * beyond), a stream ends after {@code idle-timeout} without a new event or after {@code
 * max-lifetime} in all — the client reconnects with {@code Last-Event-ID} and misses nothing — and
 * a comment is sent every {@code keepalive} so proxies and the HTTP idle timeout keep it open.
 */
@ApplicationScoped
public class StreamLimits {
  /** One open stream; {@link #close} gives its place back (once). */
  public final class Slot {
    private final String tenant;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Slot(String tenant) {
      this.tenant = tenant;
    }

    public void close() {
      if (open.compareAndSet(true, false)) {
        total.decrementAndGet();
        perTenant.computeIfPresent(tenant, (t, n) -> n.decrementAndGet() == 0 ? null : n);
      }
    }
  }

  private final int maxPerTenant;
  private final int maxPerInstance;
  private final Duration idleTimeout;
  private final Duration maxLifetime;
  private final Duration keepalive;
  private final AtomicInteger total = new AtomicInteger();
  private final Map<String, AtomicInteger> perTenant = new ConcurrentHashMap<>();

  StreamLimits(
      @ConfigProperty(name = "cura.sse.max-per-tenant", defaultValue = "16") int maxPerTenant,
      @ConfigProperty(name = "cura.sse.max-per-instance", defaultValue = "512") int maxPerInstance,
      @ConfigProperty(name = "cura.sse.idle-timeout", defaultValue = "10m") Duration idleTimeout,
      @ConfigProperty(name = "cura.sse.max-lifetime", defaultValue = "1h") Duration maxLifetime,
      @ConfigProperty(name = "cura.sse.keepalive", defaultValue = "15s") Duration keepalive) {
    this.maxPerTenant = maxPerTenant;
    this.maxPerInstance = maxPerInstance;
    this.idleTimeout = idleTimeout;
    this.maxLifetime = maxLifetime;
    this.keepalive = keepalive;
  }

  /**
   * Takes a place for a stream of {@code tenant}.
   *
   * @throws ApiException 429 when the tenant or this instance has no place left
   */
  public Slot acquire(String tenant) {
    if (total.incrementAndGet() > maxPerInstance) {
      total.decrementAndGet();
      throw ApiException.tooManyRequests(
          "too_many_streams",
          "this gateway instance already serves " + maxPerInstance + " event streams; retry later",
          5);
    }
    AtomicInteger mine = perTenant.computeIfAbsent(tenant, t -> new AtomicInteger());
    if (mine.incrementAndGet() > maxPerTenant) {
      mine.decrementAndGet();
      total.decrementAndGet();
      throw ApiException.tooManyRequests(
          "too_many_streams",
          "your tenant already has "
              + maxPerTenant
              + " open event streams; close one (or poll GET …/events) and retry",
          5);
    }
    return new Slot(tenant);
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Duration maxLifetime() {
    return maxLifetime;
  }

  public Duration keepalive() {
    return keepalive;
  }
}
