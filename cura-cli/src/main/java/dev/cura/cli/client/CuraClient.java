package dev.cura.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The command line's one REST client for the CURA services (java.net.http + Jackson), used by
 * {@code ./cura jobs|models|adapters|keys|demo|bench gateway}: JSON calls with a bearer key,
 * multipart upload, file download, a job's events as JSON pages and as the live {@code
 * text/event-stream} ({@link SseParser}). One instance per service base URL (gateway, registry). A
 * service error becomes a {@link ClientException} carrying the service's own message.
 */
public final class CuraClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String key;
  private final HttpClient http;

  public CuraClient(String baseUrl, String key) {
    this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    this.key = key;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  public URI base() {
    return base;
  }

  public HttpClient http() {
    return http;
  }

  /** A request builder for {@code path} (relative, e.g. {@code v1/models}) with the key set. */
  public HttpRequest.Builder request(String path) {
    var b = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path));
    b.timeout(Duration.ofMinutes(5));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return b;
  }

  /** True when the service answers its readiness probe ({@code /q/health/ready}) with 200. */
  public boolean ready() {
    try {
      HttpRequest r =
          HttpRequest.newBuilder(base.resolve("q/health/ready"))
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

  public JsonNode get(String path) {
    return send(request(path).GET().build());
  }

  public JsonNode post(String path, Object body) {
    return send(json(request(path), body).POST(bodyOf(body)).build());
  }

  public JsonNode put(String path, Object body) {
    return send(json(request(path), body).PUT(bodyOf(body)).build());
  }

  public JsonNode delete(String path) {
    return send(request(path).DELETE().build());
  }

  /** Uploads a file as multipart {@code file} with {@code purpose=fine-tune}. */
  public JsonNode upload(Path file) throws IOException {
    String boundary = "cura-" + UUID.randomUUID();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName().toString().replace("\"", "")
                + "\"\r\nContent-Type: application/jsonl\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    var body =
        HttpRequest.BodyPublishers.concat(
            HttpRequest.BodyPublishers.ofByteArray(head),
            HttpRequest.BodyPublishers.ofFile(file),
            HttpRequest.BodyPublishers.ofByteArray(tail));
    return send(
        request("v1/files")
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(body)
            .build());
  }

  /** Downloads {@code path} to {@code out}; returns the response's ETag (or null). */
  public String download(String path, Path out) throws IOException {
    HttpResponse<InputStream> r =
        exchange(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() / 100 != 2) {
      String text;
      try (InputStream in = r.body()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      throw ClientException.of(r.statusCode(), text);
    }
    Path tmp = out.resolveSibling(out.getFileName() + ".part");
    try (InputStream in = r.body()) {
      Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return r.headers().firstValue("ETag").orElse(null);
  }

  /** All events of a job, oldest first (pages through the newest-first JSON list). */
  public List<JsonNode> events(String jobId) {
    List<JsonNode> all = new ArrayList<>();
    String after = null;
    for (int page = 0; page < 1000; page++) {
      String q = "?limit=100" + (after == null ? "" : "&after=" + enc(after));
      JsonNode p = get("v1/fine_tuning/jobs/" + enc(jobId) + "/events" + q);
      for (JsonNode e : p.path("data")) {
        all.add(e);
        after = e.path("id").asText();
      }
      if (!p.path("has_more").asBoolean(false) || p.path("data").isEmpty()) {
        break;
      }
    }
    Collections.reverse(all);
    return all;
  }

  /**
   * Streams a job's events ({@code Accept: text/event-stream}) and hands each event's JSON to
   * {@code onEvent} until the server ends the stream (the job finished); blocks the calling thread.
   */
  public void streamEvents(String jobId, Consumer<JsonNode> onEvent) {
    HttpRequest request =
        request("v1/fine_tuning/jobs/" + enc(jobId) + "/events")
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofDays(7))
            .GET()
            .build();
    HttpResponse<Stream<String>> r = exchange(request, HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = r.body()) {
      if (r.statusCode() / 100 != 2) {
        throw ClientException.of(r.statusCode(), String.join("\n", lines.toList()));
      }
      SseParser parser = new SseParser(data -> onEvent.accept(parse(request, 200, data)));
      lines.forEach(parser::line);
    } catch (java.io.UncheckedIOException e) {
      throw new ClientException("event stream of " + jobId + " broke off: " + e.getMessage());
    }
  }

  /** Sends and parses a JSON response; 2xx only. */
  public JsonNode send(HttpRequest request) {
    HttpResponse<String> r = exchange(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw ClientException.of(r.statusCode(), r.body());
    }
    return parse(request, r.statusCode(), r.body());
  }

  /** Sends; an unreachable service or an interrupt is a {@link ClientException}. */
  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException("interrupted");
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  private static JsonNode parse(HttpRequest request, int status, String body) {
    try {
      return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      throw new ClientException(
          request.uri() + " answered " + status + " with non-JSON: " + abbreviate(body));
    }
  }

  /** A path segment, percent-encoded. */
  public static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private ClientException unreachable(IOException e) {
    return new ClientException(
        "cannot reach "
            + base
            + " ("
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
            + "); is the stack running? (./cura up)");
  }

  private static HttpRequest.Builder json(HttpRequest.Builder b, Object body) {
    return b.header("Content-Type", "application/json");
  }

  private static HttpRequest.BodyPublisher bodyOf(Object body) {
    try {
      return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  public static ObjectMapper json() {
    return JSON;
  }
}
