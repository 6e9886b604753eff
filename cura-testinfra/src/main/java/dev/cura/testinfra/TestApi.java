package dev.cura.testinfra;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.util.Map;

/** Calls to a service's REST API under test, with an API key. */
public final class TestApi {
  /** The operator key every service's test profile bootstraps ({@code cura.bootstrap-api-key}). */
  public static final String ADMIN = "test-admin-key-0123456789abcdef";

  private TestApi() {}

  /** A request that carries {@code key} as its bearer token. */
  public static RequestSpecification as(String key) {
    return given().header("Authorization", "Bearer " + key);
  }

  /** Creates an API key of the default role (member) for {@code tenant}; returns the key. */
  public static String newKey(String tenant) {
    return newKey(Map.of("tenant", tenant));
  }

  /** Creates an API key of {@code role} for {@code tenant} as the operator; returns the key. */
  public static String newKey(String tenant, String role) {
    return newKey(Map.of("tenant", tenant, "role", role));
  }

  private static String newKey(Map<String, String> body) {
    return as(ADMIN)
        .contentType("application/json")
        .body(body)
        .post("/v1/admin/keys")
        .then()
        .statusCode(201)
        .extract()
        .path("key");
  }
}
