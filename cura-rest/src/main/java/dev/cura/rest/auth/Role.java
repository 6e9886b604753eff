package dev.cura.rest.auth;

import java.util.Locale;

/**
 * What an API key may do. {@link #MEMBER} uses its tenant's resources; {@link #ADMIN} also manages
 * its own tenant's keys; {@link #OPERATOR} runs the installation: keys of every tenant, the tenant
 * list and the base-model catalog. An operator key belongs to a tenant too and works as that
 * tenant's member.
 */
public enum Role {
  MEMBER,
  ADMIN,
  OPERATOR;

  /** The JSON name: {@code member}, {@code admin}, {@code operator}. */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a JSON name.
   *
   * @throws IllegalArgumentException naming the three roles
   */
  public static Role of(String name) {
    for (Role r : values()) {
      if (r.json().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "role must be one of member, admin, operator, got "
            + (name == null ? "nothing" : "'" + name + "'"));
  }

  /** True when this role may do what {@code needed} may. */
  public boolean atLeast(Role needed) {
    return compareTo(needed) >= 0;
  }
}
