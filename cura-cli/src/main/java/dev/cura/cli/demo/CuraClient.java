package dev.cura.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A small REST client for the gateway and registry (DESIGN §3): base models, files, fine-tuning
 * jobs and their events (JSON pages and the live {@code text/event-stream}), adapter versions and
 * their files. Every call sends {@code Authorization: Bearer <key>}; a non-2xx answer becomes an
 * {@link ApiError} carrying the service's {@code error.message}.
 */
public final class CuraClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);

  private final HttpClient http;
  private final URI gateway;
  private final URI registry;
  private final String apiKey;

  public CuraClient(URI gateway, URI registry, String apiKey) {
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.gateway = gateway;
    this.registry = registry;
    this.apiKey = apiKey;
  }

  /** A failed call: HTTP status and the service's message. */
  public static final class ApiError extends RuntimeException {
    private final int status;

    ApiError(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** True when the gateway answers its readiness probe. */
  public boolean gatewayReady() {
    try {
      HttpRequest r =
          HttpRequest.newBuilder(gateway.resolve("/q/health/ready"))
              .timeout(Duration.ofSeconds(3))
              .GET()
              .build();
      return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code POST /v1/models {"id","path"}} (admin): registers a base model directory. */
  public JsonNode registerModel(String id, String path) {
    var body = JSON.createObjectNode().put("id", id).put("path", path);
    return send(json(gateway, "/v1/models").POST(publish(body)).build());
  }

  /**
   * {@code POST /v1/files} multipart ({@code file}, {@code purpose=fine-tune}); returns the file.
   */
  public JsonNode uploadFile(Path file) throws IOException {
    String boundary = "cura-" + UUID.randomUUID();
    byte[] content = Files.readAllBytes(file);
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + file.getFileName()
            + "\"\r\nContent-Type: application/jsonl\r\n\r\n";
    String tail = "\r\n--" + boundary + "--\r\n";
    HttpRequest r =
        authorized(gateway, "/v1/files")
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(
                HttpRequest.BodyPublishers.ofByteArrays(
                    List.of(
                        head.getBytes(StandardCharsets.UTF_8),
                        content,
                        tail.getBytes(StandardCharsets.UTF_8))))
            .build();
    return send(r);
  }

  /** {@code POST /v1/fine_tuning/jobs}. */
  public JsonNode createJob(JsonNode request) {
    return send(json(gateway, "/v1/fine_tuning/jobs").POST(publish(request)).build());
  }

  /** {@code GET /v1/fine_tuning/jobs/{id}}. */
  public JsonNode job(String id) {
    return send(authorized(gateway, "/v1/fine_tuning/jobs/" + enc(id)).GET().build());
  }

  /** {@code POST /v1/fine_tuning/jobs/{id}/cancel}. */
  public JsonNode cancel(String id) {
    return send(
        authorized(gateway, "/v1/fine_tuning/jobs/" + enc(id) + "/cancel")
            .POST(HttpRequest.BodyPublishers.noBody())
            .build());
  }

  /** All events of a job, oldest first (pages through the newest-first JSON list). */
  public List<JsonNode> events(String id) {
    List<JsonNode> all = new ArrayList<>();
    String after = null;
    for (int page = 0; page < 1000; page++) {
      String q = "?limit=100" + (after == null ? "" : "&after=" + enc(after));
      JsonNode p =
          send(
              authorized(gateway, "/v1/fine_tuning/jobs/" + enc(id) + "/events" + q).GET().build());
      for (JsonNode e : p.path("data")) {
        all.add(e);
        after = e.path("id").asText();
      }
      if (!p.path("has_more").asBoolean(false) || p.path("data").isEmpty()) {
        break;
      }
    }
    java.util.Collections.reverse(all);
    return all;
  }

  /**
   * Streams a job's events ({@code Accept: text/event-stream}) and hands each event's JSON data to
   * {@code sink} until the server ends the stream; blocks the calling thread.
   */
  public void streamEvents(String id, Consumer<JsonNode> sink)
      throws IOException, InterruptedException {
    HttpRequest r =
        HttpRequest.newBuilder(gateway.resolve("/v1/fine_tuning/jobs/" + enc(id) + "/events"))
            .header("Authorization", "Bearer " + apiKey)
            .header("Accept", "text/event-stream")
            .GET()
            .build();
    HttpResponse<Stream<String>> resp = http.send(r, HttpResponse.BodyHandlers.ofLines());
    if (resp.statusCode() / 100 != 2) {
      String body = String.join("\n", resp.body().toList());
      throw new ApiError(resp.statusCode(), message(resp.statusCode(), body));
    }
    SseParser parser = new SseParser(data -> sink.accept(parse(data)));
    try (Stream<String> lines = resp.body()) {
      lines.forEach(parser::line);
    }
  }

  /** {@code GET /v1/adapters/{name}/versions/{v}} from the registry (lineage, digest, metrics). */
  public JsonNode adapterVersion(String name, int version) {
    return send(
        authorized(registry, "/v1/adapters/" + enc(name) + "/versions/" + version).GET().build());
  }

  /** Downloads one adapter file from the registry into {@code target}. */
  public void downloadAdapterFile(String name, int version, String file, Path target)
      throws IOException, InterruptedException {
    HttpRequest r =
        authorized(
                registry,
                "/v1/adapters/" + enc(name) + "/versions/" + version + "/files/" + enc(file))
            .GET()
            .build();
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".part");
    HttpResponse<Path> resp = http.send(r, HttpResponse.BodyHandlers.ofFile(tmp));
    if (resp.statusCode() / 100 != 2) {
      String body = Files.readString(tmp);
      Files.deleteIfExists(tmp);
      throw new ApiError(resp.statusCode(), message(resp.statusCode(), body));
    }
    Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private HttpRequest.Builder authorized(URI base, String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(CALL_TIMEOUT)
        .header("Authorization", "Bearer " + apiKey)
        .header("Accept", "application/json");
  }

  private HttpRequest.Builder json(URI base, String path) {
    return authorized(base, path).header("Content-Type", "application/json");
  }

  private static HttpRequest.BodyPublisher publish(JsonNode body) {
    return HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
  }

  private JsonNode send(HttpRequest r) {
    HttpResponse<String> resp;
    try {
      resp = http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(
          r.method() + " " + r.uri() + ": " + (e.getMessage() == null ? e : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (resp.statusCode() / 100 != 2) {
      throw new ApiError(
          resp.statusCode(),
          r.method() + " " + r.uri().getPath() + ": " + message(resp.statusCode(), resp.body()));
    }
    return parse(resp.body());
  }

  /** The {@code error.message} of an error body, or the status and raw text. */
  static String message(int status, String body) {
    try {
      JsonNode n = JSON.readTree(body);
      JsonNode m = n.path("error").path("message");
      if (m.isTextual()) {
        return m.asText() + " (HTTP " + status + ")";
      }
    } catch (IOException | RuntimeException ignored) {
      // not JSON: fall through to the raw text
    }
    String text = body == null ? "" : body.strip();
    return "HTTP " + status + (text.isEmpty() ? "" : ": " + abbreviate(text, 300));
  }

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      throw new ApiError(200, "expected JSON, got: " + abbreviate(body, 200));
    }
  }

  private static String abbreviate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n) + "…";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
