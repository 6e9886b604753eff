package dev.cura.registry.auth;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cura.testinfra.KafkaPostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Keys and roles from cura-rest, as the registry serves them (the gateway serves the same classes):
 * an operator manages every tenant, a tenant's admin only its own, a member none; a revoked key
 * stops at once on the instance that revoked it and within the cache TTL on any other.
 */
@QuarkusTest
@WithTestResource(KafkaPostgresTestResource.class)
class KeysAndRolesTest {
  static final String OPERATOR = "test-admin-key-0123456789abcdef";

  @ConfigProperty(name = "cura.auth.cache-ttl")
  Duration cacheTtl;

  @Inject Pool pool;

  static RequestSpecification as(String key) {
    return given().header("Authorization", "Bearer " + key);
  }

  static String create(String by, Map<String, Object> body, String role) {
    return as(by)
        .contentType("application/json")
        .body(body)
        .post("/v1/admin/keys")
        .then()
        .statusCode(201)
        .body("role", equalTo(role))
        .extract()
        .path("key");
  }

  @Test
  void aTenantAdminManagesItsOwnTenantOnly() {
    String admin = create(OPERATOR, Map.of("tenant", "roles-a", "role", "admin"), "admin");
    String member = create(admin, Map.of("role", "member"), "member"); // its own tenant by default
    as(member).get("/v1/adapters").then().statusCode(200);
    String memberId =
        as(admin)
            .get("/v1/admin/keys")
            .then()
            .statusCode(200)
            .body("data.tenant", not(hasItem("default")))
            .body("data.role", hasItem("member"))
            .extract()
            .jsonPath()
            .getString("data.find { it.role == 'member' }.id");
    String listing = as(admin).get("/v1/admin/keys").asString();
    assertFalse(listing.contains(member), "a listing never shows a key");
    as(admin)
        .contentType("application/json")
        .body(Map.of("tenant", "roles-b"))
        .post("/v1/admin/keys")
        .then()
        .statusCode(403)
        .body("error.type", equalTo("permission_error"));
    as(OPERATOR)
        .get("/v1/admin/tenants")
        .then()
        .statusCode(200)
        .body("data.id", hasItem("roles-a"));

    as(admin)
        .delete("/v1/admin/keys/" + memberId)
        .then()
        .statusCode(200)
        .body("revoked_at", not(nullValue()));
    as(member)
        .get("/v1/adapters")
        .then()
        .statusCode(401)
        .body("error.code", equalTo("invalid_api_key"));
  }

  @Test
  void theOlderAdminFlagStillMakesAnAdmin() {
    create(OPERATOR, Map.of("tenant", "roles-c", "admin", true), "admin");
  }

  @Test
  void aKeyRevokedByAnotherInstanceStopsWithinTheCacheTtl() {
    String member = create(OPERATOR, Map.of("tenant", "roles-d"), "member");
    as(member).get("/v1/adapters").then().statusCode(200); // now cached here
    // another instance revokes it: only the shared table changes
    pool.preparedQuery("UPDATE reg_api_key SET revoked_at = now() WHERE tenant = $1")
        .execute(Tuple.of("roles-d"))
        .await()
        .indefinitely();
    // the bound is the TTL; the margin covers a loaded machine, it is not a speed claim
    await()
        .atMost(cacheTtl.plusSeconds(10))
        .untilAsserted(() -> as(member).get("/v1/adapters").then().statusCode(401));
  }
}
