package dev.cura.registry.auth;

import dev.cura.rest.api.ApiException;
import dev.cura.rest.auth.ApiKeys;
import dev.cura.rest.auth.Caller;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * (Same as the gateway's class of this name: the services share API keys and error shapes.)
 *
 * <p>{@code POST /v1/admin/keys} {"tenant","admin", optional "key"}: registers an API key (admin
 * only). Without "key" the registry generates one; {@code ./cura keys create} generates it itself
 * and registers the same key with every service.
 */
@Path("/v1/admin/keys")
public class AdminKeysResource {
  private final KeyStore keys;
  private final Caller caller;

  AdminKeysResource(KeyStore keys, Caller caller) {
    this.keys = keys;
    this.caller = caller;
  }

  /** Request body. */
  public record CreateKey(String tenant, Boolean admin, String key) {}

  /** Response: the key in clear, shown once. */
  public record CreatedKey(String object, String key, String tenant, boolean admin) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @WithTransaction
  public Uni<Response> create(CreateKey body) {
    caller.requireAdmin("creating API keys");
    if (body == null) {
      throw ApiException.invalid(null, "expected a JSON body {\"tenant\":\"name\"}, got none");
    }
    String tenant;
    String key;
    try {
      tenant = ApiKeys.checkTenant(body.tenant());
      key = body.key() == null ? ApiKeys.generate() : ApiKeys.checkKey(body.key());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(body.tenant() == null ? "tenant" : "key", e.getMessage());
    }
    boolean admin = Boolean.TRUE.equals(body.admin());
    return keys.add(key, tenant, admin)
        .onFailure(IllegalArgumentException.class)
        .transform(e -> ApiException.conflict("key_exists", e.getMessage()))
        .map(
            k ->
                Response.status(201).entity(new CreatedKey("api_key", key, tenant, admin)).build());
  }
}
