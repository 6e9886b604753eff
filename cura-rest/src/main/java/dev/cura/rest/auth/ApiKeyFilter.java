package dev.cura.rest.auth;

import dev.cura.rest.api.ApiException;
import dev.cura.rest.api.ErrorMappers;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every {@code /v1/} request by its {@code Authorization: Bearer <key>} header: 401
 * with the error shape for a missing, malformed, unknown or revoked key; 429 once the client
 * address has failed {@link AuthConfig#maxFailures} times in its window — then only keys this
 * instance has cached still pass, and nothing reaches the database. {@code /q/} (health, metrics,
 * OpenAPI) stays open.
 */
public class ApiKeyFilter {
  private final KeyStore keys;
  private final AuthFailures failures;
  private final Caller caller;

  ApiKeyFilter(KeyStore keys, AuthFailures failures, Caller caller) {
    this.keys = keys;
    this.failures = failures;
    this.caller = caller;
  }

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public Uni<Response> authenticate(ContainerRequestContext request, HttpServerRequest http) {
    String path = request.getUriInfo().getPath();
    if (!path.startsWith("/v1/") && !path.equals("/v1")) {
      return Uni.createFrom().nullItem();
    }
    String address = http.remoteAddress() == null ? "unknown" : http.remoteAddress().host();
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return refuse(
          address,
          "missing API key: send 'Authorization: Bearer <api key>' ("
              + (header == null ? "no Authorization header" : "not a Bearer token")
              + ")");
    }
    String key = header.substring(7).trim();
    long wait = failures.blockedFor(address);
    if (wait > 0) {
      // a key this instance knows still works: only lookups of unknown keys are held back
      var known = keys.cached(key);
      if (known.isPresent()) {
        caller.set(known.get());
        return Uni.createFrom().nullItem();
      }
      return Uni.createFrom()
          .item(
              ErrorMappers.response(
                  ApiException.tooManyRequests(
                      "too_many_auth_failures",
                      "too many failed authentications from this address; retry in " + wait + " s",
                      wait)));
    }
    try {
      ApiKeys.checkKey(key);
    } catch (IllegalArgumentException e) {
      return refuse(address, "invalid API key: " + e.getMessage());
    }
    return keys.resolve(key)
        .flatMap(
            p -> {
              if (p.isEmpty()) {
                return refuse(address, "invalid API key: unknown or revoked");
              }
              caller.set(p.get());
              return Uni.createFrom().nullItem();
            });
  }

  private Uni<Response> refuse(String address, String message) {
    failures.record(address);
    return Uni.createFrom().item(ErrorMappers.response(ApiException.unauthorized(message)));
  }
}
