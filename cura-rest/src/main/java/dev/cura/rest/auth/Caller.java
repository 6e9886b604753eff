package dev.cura.rest.auth;

import dev.cura.rest.api.ApiException;
import jakarta.enterprise.context.RequestScoped;

/** Who is calling: set by {@link ApiKeyFilter} from the bearer key, read by resources. */
@RequestScoped
public class Caller {
  private Principal principal;

  /** Set once per request by the API-key filter. */
  public void set(Principal principal) {
    this.principal = principal;
  }

  /** The caller's tenant; every query is scoped to it. */
  public String tenant() {
    return principal().tenant();
  }

  public Role role() {
    return principal().role();
  }

  /** Throws 403 unless the caller holds an operator key. */
  public void requireOperator(String what) {
    if (principal().role() != Role.OPERATOR) {
      throw ApiException.forbidden(what + " needs an operator API key; this key is not one");
    }
  }

  /**
   * Throws 403 unless the caller may manage {@code tenant}: an operator any tenant, a tenant's
   * admin its own.
   */
  public void requireAdminOf(String tenant, String what) {
    Principal p = principal();
    if (p.role() == Role.OPERATOR) {
      return;
    }
    if (p.role() != Role.ADMIN) {
      throw ApiException.forbidden(
          what + " needs an admin or operator API key; this key is not one");
    }
    if (!p.tenant().equals(tenant)) {
      throw ApiException.forbidden(
          what
              + " for tenant '"
              + tenant
              + "' needs an operator key; an admin key manages its own tenant");
    }
  }

  private Principal principal() {
    if (principal == null) {
      throw ApiException.unauthorized("this endpoint needs 'Authorization: Bearer <api key>'");
    }
    return principal;
  }

  /** A key's tenant, role and id. */
  public record Principal(String tenant, Role role, String keyId) {}
}
