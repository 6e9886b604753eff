package dev.cura.gateway;

import static dev.cura.gateway.GatewayApiTest.CHAT;
import static dev.cura.testinfra.TestApi.as;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.testinfra.KafkaPostgresTestResource;
import dev.cura.testinfra.RawHttp;
import dev.cura.testinfra.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Live event streams are capped per tenant, kept alive with comments while nothing happens, and end
 * after their idle timeout (issue 12); the client reconnects with {@code Last-Event-ID}.
 */
@QuarkusTest
@TestProfile(StreamLimitsTest.Tight.class)
@WithTestResource(KafkaPostgresTestResource.class)
class StreamLimitsTest {
  /** One stream per tenant, a 3 s idle timeout, a keep-alive every second. */
  public static class Tight implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "cura.sse.max-per-tenant", "1",
          "cura.sse.idle-timeout", "3s",
          "cura.sse.keepalive", "1s");
    }
  }

  @ConfigProperty(name = "quarkus.http.port")
  int port;

  private String streamRequest(String key, String job) {
    return "GET /v1/fine_tuning/jobs/"
        + job
        + "/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept: text/event-stream\r\n"
        + "Authorization: Bearer "
        + key;
  }

  private String ownJob(String tenant) {
    GatewayApiTest.registerTiny();
    String key = TestApi.newKey(tenant);
    String file = GatewayApiTest.upload(key, CHAT + CHAT);
    String job =
        as(key)
            .contentType("application/json")
            .body(Map.of("model", "tiny", "training_file", file))
            .post("/v1/fine_tuning/jobs")
            .then()
            .statusCode(200)
            .extract()
            .path("id");
    return key + " " + job;
  }

  @Test
  void aSecondStreamOfTheTenantIs429UntilTheFirstCloses() throws Exception {
    String[] kj = ownJob("streams-a").split(" ");
    try (Socket first = new Socket()) {
      first.connect(new InetSocketAddress("127.0.0.1", port));
      first
          .getOutputStream()
          .write((streamRequest(kj[0], kj[1]) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String head = readHead(first.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      RawHttp.Response second =
          RawHttp.exchange(port, RawHttp.request(streamRequest(kj[0], kj[1]), new byte[0]), 20_000);
      assertEquals(429, second.status(), second.toString());
      assertTrue(second.body().contains("\"code\":\"too_many_streams\""), second.body());
    }
    // the closed stream gives its place back
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var again =
                  RawHttp.exchange(
                      port, RawHttp.request(streamRequest(kj[0], kj[1]), new byte[0]), 30_000);
              assertEquals(200, again.status(), again.toString());
            });
  }

  @Test
  void aQuietStreamIsKeptAliveAndEndsAfterItsIdleTimeout() throws Exception {
    String[] kj = ownJob("streams-b").split(" ");
    long start = System.nanoTime();
    RawHttp.Response r =
        RawHttp.exchange(port, RawHttp.request(streamRequest(kj[0], kj[1]), new byte[0]), 30_000);
    assertEquals(200, r.status(), r.toString());
    assertFalse(r.timedOut(), "the stream ended by itself: " + r);
    assertTrue(r.body().contains("event:"), "past events first: " + r.body());
    assertTrue(r.body().contains(":keep-alive"), "keep-alive comments: " + r.body());
    assertTrue(
        Duration.ofNanos(System.nanoTime() - start).toSeconds() >= 3,
        "not before the idle timeout");
  }

  private static String readHead(InputStream in) throws Exception {
    var sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      sb.append((char) b);
    }
    return sb.toString();
  }
}
