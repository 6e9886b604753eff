package dev.cura.registry.auth;

import static dev.cura.registry.auth.KeysAndRolesTest.OPERATOR;
import static dev.cura.registry.auth.KeysAndRolesTest.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.cura.testinfra.KafkaPostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Repeated failed authentications from one address are rate-limited (issue 12): after the limit the
 * address gets 429 without a database lookup, while a key the instance already knows keeps working.
 */
@QuarkusTest
@TestProfile(AuthRateLimitTest.FiveFailures.class)
@WithTestResource(KafkaPostgresTestResource.class)
class AuthRateLimitTest {
  /**
   * Five failures per window (the default profile lifts the limit for the fuzz corpus). The key
   * cache keeps the known key for the whole test: with its default 5 s, a run slowed by a loaded
   * machine let the key expire, and the next lookup from the blocked address was (rightly) a 429.
   */
  public static class FiveFailures implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "cura.auth.max-failures", "5",
          "cura.auth.failure-window", "10m",
          "cura.auth.cache-ttl", "10m");
    }
  }

  @Test
  void theSixthFailureIsAnsweredWith429AndAKnownKeyStillWorks() {
    as(OPERATOR).get("/v1/adapters").then().statusCode(200); // known (cached) before the attack
    for (int i = 0; i < 5; i++) {
      as("cura-wrong-key-" + i + "-0000000000000000").get("/v1/adapters").then().statusCode(401);
    }
    as("cura-wrong-key-6-0000000000000000")
        .get("/v1/adapters")
        .then()
        .statusCode(429)
        .header("Retry-After", notNullValue())
        .body("error.type", equalTo("rate_limit_error"))
        .body("error.code", equalTo("too_many_auth_failures"));
    given().get("/v1/adapters").then().statusCode(401); // no key at all: still told what is wrong
    as(OPERATOR).get("/v1/adapters").then().statusCode(200);
    given().get("/q/health/ready").then().statusCode(200);
  }
}
