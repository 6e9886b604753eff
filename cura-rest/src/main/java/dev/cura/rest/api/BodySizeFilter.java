package dev.cura.rest.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Request-size limits: JSON bodies may be at most {@code cura.http.max-json-bytes} (default 1 MiB);
 * multipart uploads are bounded by {@code quarkus.http.limits.max-body-size}, which Vert.x enforces
 * while reading.
 */
public class BodySizeFilter {
  private final long maxJsonBytes;

  BodySizeFilter(@ConfigProperty(name = "cura.http.max-json-bytes") long maxJsonBytes) {
    this.maxJsonBytes = maxJsonBytes;
  }

  @ServerRequestFilter(preMatching = true)
  public Response limit(ContainerRequestContext request) {
    MediaType type = request.getMediaType();
    if (type == null || type.getType().equals("multipart")) {
      return null;
    }
    String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      return null;
    }
    long bytes;
    try {
      bytes = Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return null;
    }
    if (bytes <= maxJsonBytes) {
      return null;
    }
    return Response.status(413)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(
            ErrorBody.of(
                "request_too_large",
                "request body is " + bytes + " bytes, the limit is " + maxJsonBytes,
                null))
        .build();
  }
}
