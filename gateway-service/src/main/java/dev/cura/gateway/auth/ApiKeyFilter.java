package dev.cura.gateway.auth;

import dev.cura.rest.api.ErrorBody;
import dev.cura.rest.auth.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every {@code /v1/} request by its {@code Authorization: Bearer <key>} header; 401
 * with the JSON error shape for a missing or unknown key. {@code /q/} (health, metrics, OpenAPI)
 * stays open.
 */
public class ApiKeyFilter {
  private final KeyStore keys;
  private final Caller caller;

  ApiKeyFilter(KeyStore keys, Caller caller) {
    this.keys = keys;
    this.caller = caller;
  }

  @ServerRequestFilter
  public Uni<Response> authenticate(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!path.startsWith("/v1/") && !path.equals("/v1")) {
      return Uni.createFrom().nullItem();
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Uni.createFrom()
          .item(
              unauthorized(
                  "missing API key: send 'Authorization: Bearer <api key>' ("
                      + (header == null ? "no Authorization header" : "not a Bearer token")
                      + ")"));
    }
    String key = header.substring(7).trim();
    if (key.isEmpty() || key.length() > 200) {
      return Uni.createFrom().item(unauthorized("invalid API key"));
    }
    return keys.resolve(key)
        .map(
            p -> {
              if (p.isEmpty()) {
                return unauthorized("invalid API key");
              }
              caller.set(p.get());
              return null;
            });
  }

  private static Response unauthorized(String message) {
    return Response.status(401)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
        .entity(ErrorBody.of("invalid_api_key", message, null))
        .build();
  }
}
