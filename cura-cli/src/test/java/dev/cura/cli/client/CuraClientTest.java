package dev.cura.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST client against a real HTTP server on loopback speaking the services' shapes. */
class CuraClientTest {
  HttpServer server;
  final AtomicReference<String> lastAuth = new AtomicReference<>();
  final AtomicReference<String> lastBody = new AtomicReference<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/fine_tuning/jobs/bad",
        ex ->
            reply(
                ex,
                404,
                "application/json",
                "{\"error\":{\"code\":\"not_found\",\"message\":\"no fine-tuning job with id 'bad'\",\"param\":null}}"));
    server.createContext(
        "/v1/fine_tuning/jobs/j1/events",
        ex ->
            reply(
                ex,
                200,
                "text/event-stream",
                "id:ftevent-1\nevent:message\ndata:{\"message\":\"Job created\"}\n\n"
                    + ":comment\n"
                    + "id:ftevent-2\nevent:metrics\ndata:{\"message\":\"Step 1/2: training loss=2.0000\"}\n\n"));
    server.createContext(
        "/v1/files",
        ex -> {
          lastAuth.set(ex.getRequestHeaders().getFirst("Authorization"));
          lastBody.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          reply(ex, 200, "application/json", "{\"id\":\"file-1\",\"examples\":1}");
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  CuraClient client() {
    return new CuraClient("http://127.0.0.1:" + server.getAddress().getPort(), "cura-test-key");
  }

  @Test
  void serviceErrorsCarryTheServiceMessage() {
    var e = assertThrows(ClientException.class, () -> client().get("v1/fine_tuning/jobs/bad"));
    assertEquals(404, e.status());
    assertEquals("HTTP 404 not_found: no fine-tuning job with id 'bad'", e.getMessage());
  }

  @Test
  void unreachableServiceSaysWhatToDo() {
    var e =
        assertThrows(
            ClientException.class,
            () -> new CuraClient("http://127.0.0.1:1", "k").get("v1/models"));
    assertEquals(0, e.status());
    assertTrue(e.getMessage().contains("./cura up"), e.getMessage());
  }

  @Test
  void uploadSendsMultipartWithPurposeAndKey(@TempDir Path tmp) throws IOException {
    Path f =
        Files.writeString(tmp.resolve("train.jsonl"), "{\"prompt\":\"a\",\"completion\":\"b\"}\n");
    assertEquals("file-1", client().upload(f).path("id").asText());
    assertEquals("Bearer cura-test-key", lastAuth.get());
    assertTrue(lastBody.get().contains("name=\"purpose\"\r\n\r\nfine-tune\r\n"), lastBody.get());
    assertTrue(lastBody.get().contains("filename=\"train.jsonl\""), lastBody.get());
    assertTrue(lastBody.get().contains("{\"prompt\":\"a\",\"completion\":\"b\"}"), lastBody.get());
  }

  @Test
  void eventStreamYieldsEachEventUntilTheServerEndsIt() {
    List<String> messages = new ArrayList<>();
    client().streamEvents("j1", e -> messages.add(e.path("message").asText()));
    assertEquals(List.of("Job created", "Step 1/2: training loss=2.0000"), messages);
  }

  @Test
  void jsonEventPagesComeBackOldestFirst() {
    // the service lists newest first, one event per page here
    server.createContext(
        "/v1/fine_tuning/jobs/j2/events",
        ex -> {
          String q = ex.getRequestURI().getQuery();
          reply(
              ex,
              200,
              "application/json",
              q.contains("after=ftevent-2")
                  ? "{\"data\":[{\"id\":\"ftevent-1\"}],\"has_more\":false}"
                  : "{\"data\":[{\"id\":\"ftevent-2\"}],\"has_more\":true}");
        });
    assertEquals(
        List.of("ftevent-1", "ftevent-2"),
        client().events("j2").stream().map(e -> e.path("id").asText()).toList());
  }

  @Test
  void aStreamRefusedByTheServiceCarriesItsMessage() {
    var e = assertThrows(ClientException.class, () -> client().streamEvents("bad", x -> {}));
    assertEquals(404, e.status());
    assertTrue(e.getMessage().contains("no fine-tuning job with id 'bad'"), e.getMessage());
  }

  @Test
  void readinessIsTheHealthProbe() {
    server.createContext("/q/health/ready", ex -> reply(ex, 200, "application/json", "{}"));
    assertTrue(client().ready());
    assertTrue(!new CuraClient("http://127.0.0.1:1", "k").ready());
  }
}
