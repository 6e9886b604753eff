package dev.cura.rest.api;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Request limits of a CURA REST service ({@code cura.http.*}; docs/api.md, "Limits"). */
@ApplicationScoped
public class HttpLimits {
  private final long maxJsonBytes;
  private final List<String> uploadPaths;
  private final Duration bodyStallTimeout;

  HttpLimits(
      @ConfigProperty(name = "cura.http.max-json-bytes", defaultValue = "1048576")
          long maxJsonBytes,
      @ConfigProperty(name = "cura.http.upload-paths") Optional<List<String>> uploadPaths,
      @ConfigProperty(name = "cura.http.body-stall-timeout", defaultValue = "5s")
          Duration bodyStallTimeout) {
    this.maxJsonBytes = maxJsonBytes;
    this.uploadPaths = List.copyOf(uploadPaths.orElse(List.of()));
    this.bodyStallTimeout = bodyStallTimeout;
  }

  /** The largest body of a non-upload route, counted on the bytes read (chunked included). */
  public long maxJsonBytes() {
    return maxJsonBytes;
  }

  /**
   * Exact paths whose bodies are uploads ({@code /v1/files}): bounded by {@code
   * quarkus.http.limits.max-body-size} instead of {@link #maxJsonBytes}.
   */
  public List<String> uploadPaths() {
    return uploadPaths;
  }

  /** A request whose body stops arriving for this long is answered 408 and closed. */
  public Duration bodyStallTimeout() {
    return bodyStallTimeout;
  }
}
