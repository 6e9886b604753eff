package dev.cura.rest.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failed authentications per client address in fixed windows: after {@link AuthConfig#maxFailures}
 * failures an address gets 429 for the rest of its window, without a database lookup. Bounded in
 * memory (at most {@value #MAX_ADDRESSES} addresses are tracked).
 */
@ApplicationScoped
public class AuthFailures {
  static final long MAX_ADDRESSES = 50_000;

  private record Window(long startNanos, AtomicInteger failures) {}

  private final int max;
  private final long windowNanos;
  private final Cache<String, Window> windows;

  AuthFailures(AuthConfig config) {
    this.max = config.maxFailures();
    this.windowNanos = config.failureWindow().toNanos();
    this.windows =
        Caffeine.newBuilder()
            .maximumSize(MAX_ADDRESSES)
            .expireAfterWrite(config.failureWindow())
            .build();
  }

  /** Seconds until {@code address} may try again, or 0 when it may now. */
  public long blockedFor(String address) {
    Window w = windows.getIfPresent(address);
    if (w == null || w.failures.get() < max) {
      return 0;
    }
    long left = windowNanos - (System.nanoTime() - w.startNanos);
    return Math.max(1, (left + 999_999_999) / 1_000_000_000);
  }

  /** Counts one failure of {@code address}. */
  public void record(String address) {
    windows
        .get(address, a -> new Window(System.nanoTime(), new AtomicInteger()))
        .failures
        .incrementAndGet();
  }
}
