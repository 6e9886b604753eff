package dev.cura.rest.auth;

import dev.cura.rest.api.ApiException;
import jakarta.enterprise.context.RequestScoped;

/** Who is calling: set by {@link ApiKeyFilter} from the bearer key, read by resources. */
@RequestScoped
public class Caller {
  private String tenant;
  private boolean admin;

  /** Set once per request by the service's API-key filter. */
  public void set(Principal principal) {
    this.tenant = principal.tenant();
    this.admin = principal.admin();
  }

  /** The caller's tenant; every query is scoped to it. */
  public String tenant() {
    if (tenant == null) {
      throw ApiException.unauthorized("this endpoint needs 'Authorization: Bearer <api key>'");
    }
    return tenant;
  }

  public boolean admin() {
    return admin;
  }

  /** Throws 403 unless the caller holds an admin key. */
  public void requireAdmin(String what) {
    tenant();
    if (!admin) {
      throw ApiException.forbidden(what + " needs an admin API key; this key is not one");
    }
  }

  /** A key's tenant and role. */
  public record Principal(String tenant, boolean admin) {}
}
