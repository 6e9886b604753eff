package dev.cura.rest.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cura.rest.api.ApiException;
import dev.cura.rest.api.ListPage;
import dev.cura.rest.api.Text;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.TreeMap;

/**
 * API keys and tenants (docs/api.md, "Keys and roles"). An operator key manages every tenant's keys
 * and lists the tenants; a tenant's admin key manages that tenant's member and admin keys. {@code
 * ./cura keys} calls these on the gateway and the registry alike, so one key works on both.
 *
 * <ul>
 *   <li>{@code POST /v1/admin/keys} {"tenant", "role", optional "key"} → 201 with the key in clear
 *       (shown once). Without "key" the service generates one.
 *   <li>{@code GET /v1/admin/keys[?tenant=]} lists keys (id, prefix, tenant, role, revoked_at).
 *   <li>{@code DELETE /v1/admin/keys/{id}} revokes a key: it stops working at once here and within
 *       {@code cura.auth.cache-ttl} on other instances.
 *   <li>{@code GET /v1/admin/tenants} (operator) lists tenants with their key counts.
 * </ul>
 */
@Path("/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminKeysResource {
  private final KeyStore keys;
  private final Caller caller;

  AdminKeysResource(KeyStore keys, Caller caller) {
    this.keys = keys;
    this.caller = caller;
  }

  /** Request body; {@code admin: true} is the older spelling of {@code role: "admin"}. */
  public record CreateKey(String tenant, String role, Boolean admin, String key) {}

  /** A key as listed (never the key itself). */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record KeyView(
      String object,
      String id,
      String prefix,
      String tenant,
      String role,
      long createdAt,
      Long revokedAt) {
    static KeyView of(ApiKey k) {
      return new KeyView(
          "api_key",
          k.id(),
          k.keyPrefix,
          k.tenant,
          k.role().json(),
          k.createdAt.getEpochSecond(),
          k.revokedAt == null ? null : k.revokedAt.getEpochSecond());
    }
  }

  /** The answer to a creation: the key in clear, shown once. */
  public record CreatedKey(
      String object, String id, String key, String tenant, String role, boolean admin) {}

  /** A tenant and its keys. */
  public record TenantView(String object, String id, int keys, int activeKeys) {}

  @POST
  @Path("keys")
  @Consumes(MediaType.APPLICATION_JSON)
  @WithTransaction
  public Uni<Response> create(CreateKey body) {
    if (body == null) {
      throw ApiException.invalid(
          null, "expected a JSON body {\"tenant\":\"name\",\"role\":\"member\"}, got none");
    }
    String tenant = body.tenant() != null ? body.tenant() : caller.tenant();
    Role role;
    String key;
    try {
      ApiKeys.checkTenant(Text.requireClean(tenant, "tenant", "tenant"));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("tenant", e.getMessage());
    }
    try {
      role = role(body);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("role", e.getMessage());
    }
    try {
      key = body.key() == null ? ApiKeys.generate() : ApiKeys.checkKey(body.key());
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("key", e.getMessage());
    }
    caller.requireAdminOf(tenant, "creating API keys");
    if (role == Role.OPERATOR) {
      caller.requireOperator("creating an operator key");
    }
    return keys.add(key, tenant, role)
        .onFailure(IllegalStateException.class)
        .transform(e -> ApiException.conflict("key_exists", e.getMessage()).shouldRetry(false))
        .map(
            k ->
                Response.status(201)
                    .entity(
                        new CreatedKey(
                            "api_key", k.id(), key, tenant, role.json(), role != Role.MEMBER))
                    .build());
  }

  private static Role role(CreateKey body) {
    Role fromAdmin = body.admin() == null ? null : body.admin() ? Role.ADMIN : Role.MEMBER;
    if (body.role() == null) {
      return fromAdmin == null ? Role.MEMBER : fromAdmin;
    }
    Role role = Role.of(body.role());
    if (fromAdmin != null && (fromAdmin == Role.ADMIN) != (role != Role.MEMBER)) {
      throw new IllegalArgumentException(
          "'admin' (" + body.admin() + ") contradicts role '" + body.role() + "'; send only role");
    }
    return role;
  }

  @GET
  @Path("keys")
  @WithSession
  public Uni<ListPage<KeyView>> list(@QueryParam("tenant") String tenant) {
    String scope;
    if (caller.role() == Role.OPERATOR) {
      scope = tenant;
    } else {
      scope = tenant == null ? caller.tenant() : tenant;
      caller.requireAdminOf(scope, "listing API keys");
    }
    return keys.list(scope)
        .map(rows -> ListPage.of(rows.stream().map(KeyView::of).toList(), false));
  }

  @DELETE
  @Path("keys/{id}")
  @WithTransaction
  public Uni<KeyView> revoke(@PathParam("id") String id) {
    caller.role(); // authenticated
    return keys.byId(id)
        .map(
            row -> {
              // another tenant's key is as absent as a missing one for a tenant admin
              if (row == null
                  || (caller.role() != Role.OPERATOR && !row.tenant.equals(caller.tenant()))) {
                throw ApiException.notFound("API key", id);
              }
              caller.requireAdminOf(row.tenant, "revoking API keys");
              return KeyView.of(keys.revoke(row));
            });
  }

  @GET
  @Path("tenants")
  @WithSession
  public Uni<ListPage<TenantView>> tenants() {
    caller.requireOperator("listing tenants");
    return keys.list(null)
        .map(
            rows -> {
              Map<String, int[]> counts = new TreeMap<>();
              for (ApiKey k : rows) {
                int[] c = counts.computeIfAbsent(k.tenant, t -> new int[2]);
                c[0]++;
                c[1] += k.revokedAt == null ? 1 : 0;
              }
              return ListPage.of(
                  counts.entrySet().stream()
                      .map(
                          e ->
                              new TenantView(
                                  "tenant", e.getKey(), e.getValue()[0], e.getValue()[1]))
                      .toList(),
                  false);
            });
  }
}
