package dev.cura.rest.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.rest.api.ApiException;
import org.junit.jupiter.api.Test;

class RoleTest {
  static Caller caller(String tenant, Role role) {
    var c = new Caller();
    c.set(new Caller.Principal(tenant, role, "key-000000000000000000000000"));
    return c;
  }

  @Test
  void anAdminManagesOnlyItsOwnTenantAndAnOperatorAll() {
    caller("a", Role.ADMIN).requireAdminOf("a", "x");
    var other =
        assertThrows(ApiException.class, () -> caller("a", Role.ADMIN).requireAdminOf("b", "x"));
    assertEquals(403, other.status());
    assertThrows(ApiException.class, () -> caller("a", Role.MEMBER).requireAdminOf("a", "x"));
    caller("a", Role.OPERATOR).requireAdminOf("b", "x");
    caller("a", Role.OPERATOR).requireOperator("x");
    assertThrows(ApiException.class, () -> caller("a", Role.ADMIN).requireOperator("x"));
    assertEquals(401, assertThrows(ApiException.class, () -> new Caller().tenant()).status());
  }

  @Test
  void rolesParseByTheirJsonNames() {
    assertEquals(Role.OPERATOR, Role.of("operator"));
    assertThrows(IllegalArgumentException.class, () -> Role.of("ADMIN"));
    assertTrue(Role.OPERATOR.atLeast(Role.ADMIN));
    assertFalse(Role.MEMBER.atLeast(Role.ADMIN));
  }

  @Test
  void keyIdsAreShortHashPrefixes() {
    String id = ApiKeys.id(ApiKeys.hash("cura-some-key-000000000000"));
    assertTrue(ApiKeys.isId(id), id);
    assertEquals(28, id.length());
    assertFalse(ApiKeys.isId("key-XYZ"));
  }
}
