package dev.cura.rest.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthFailuresTest {
  @Test
  void anAddressIsHeldBackAfterItsFailuresAndOthersAreNot() {
    var config = new AuthConfig();
    config.maxFailures = 3;
    config.failureWindow = Duration.ofMinutes(10);
    var failures = new AuthFailures(config);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, failures.blockedFor("10.0.0.1"), "failure " + i + " is still answered");
      failures.record("10.0.0.1");
    }
    long wait = failures.blockedFor("10.0.0.1");
    assertTrue(wait > 0 && wait <= 600, "held back for the rest of the window: " + wait);
    assertEquals(0, failures.blockedFor("10.0.0.2"));
  }
}
