package dev.cura.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
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

/** The client's wire format against the JDK's HTTP server playing the gateway (DESIGN §3). */
class CuraClientTest {
  private HttpServer server;
  private CuraClient client;
  private final AtomicReference<String> lastAuth = new AtomicReference<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.start();
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    client = new CuraClient(base, base, "k-123");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void route(String path, Handler h) {
    server.createContext(
        path,
        ex -> {
          lastAuth.set(ex.getRequestHeaders().getFirst("Authorization"));
          h.handle(ex);
        });
  }

  interface Handler {
    void handle(HttpExchange ex) throws IOException;
  }

  private static void reply(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Test
  void uploadsMultipartWithPurposeAndBearerKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("train.jsonl");
    Files.writeString(file, "{\"messages\":[]}\n");
    AtomicReference<String> body = new AtomicReference<>();
    AtomicReference<String> type = new AtomicReference<>();
    route(
        "/v1/files",
        ex -> {
          type.set(ex.getRequestHeaders().getFirst("Content-Type"));
          body.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          reply(ex, 201, "application/json", "{\"id\":\"file-1\",\"bytes\":16}");
        });
    JsonNode f = client.uploadFile(file);
    assertEquals("file-1", f.path("id").asText());
    assertEquals("Bearer k-123", lastAuth.get());
    String boundary = type.get().replaceFirst("^multipart/form-data; boundary=", "");
    assertTrue(type.get().startsWith("multipart/form-data; boundary="), type.get());
    assertTrue(
        body.get().contains("name=\"purpose\"\r\n\r\nfine-tune\r\n--" + boundary), body.get());
    assertTrue(
        body.get().contains("filename=\"train.jsonl\"")
            && body.get().contains("{\"messages\":[]}\n\r\n--" + boundary + "--"),
        body.get());
  }

  @Test
  void errorsCarryTheServiceMessage() {
    route(
        "/v1/models",
        ex ->
            reply(
                ex,
                403,
                "application/json",
                "{\"error\":{\"code\":\"forbidden\",\"message\":\"registering a base model needs an"
                    + " admin key\",\"param\":null}}"));
    var e = assertThrows(CuraClient.ApiError.class, () -> client.registerModel("cura-tiny", "/m"));
    assertEquals(403, e.status());
    assertEquals(
        "POST /v1/models: registering a base model needs an admin key (HTTP 403)", e.getMessage());
  }

  @Test
  void streamsServerSentEventsAndPagesJsonEventsOldestFirst() throws Exception {
    route(
        "/v1/fine_tuning/jobs/j1/events",
        ex -> {
          String accept = ex.getRequestHeaders().getFirst("Accept");
          if ("text/event-stream".equals(accept)) {
            reply(
                ex,
                200,
                "text/event-stream",
                "id: ftevent-1\nevent: message\ndata: {\"id\":\"ftevent-1\",\"message\":\"queued\"}\n\n"
                    + ": ping\n\n"
                    + "id: ftevent-2\ndata: {\"id\":\"ftevent-2\",\"type\":\"metrics\"}\n\n");
            return;
          }
          // newest first, two pages of one
          String q = ex.getRequestURI().getQuery();
          if (q.contains("after=ftevent-2")) {
            reply(
                ex,
                200,
                "application/json",
                "{\"data\":[{\"id\":\"ftevent-1\"}],\"has_more\":false}");
          } else {
            reply(
                ex,
                200,
                "application/json",
                "{\"data\":[{\"id\":\"ftevent-2\"}],\"has_more\":true}");
          }
        });
    List<String> streamed = new ArrayList<>();
    client.streamEvents("j1", e -> streamed.add(e.path("id").asText()));
    assertEquals(List.of("ftevent-1", "ftevent-2"), streamed);
    assertEquals(
        List.of("ftevent-1", "ftevent-2"),
        client.events("j1").stream().map(e -> e.path("id").asText()).toList());
  }
}
