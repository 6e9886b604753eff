package dev.cura.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * A small REST client for the CURA services (java.net.http + Jackson): JSON calls with a bearer
 * key, multipart upload, file download. A service error becomes a {@link ClientException} carrying
 * the service's own message.
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
    HttpResponse<InputStream> r;
    try {
      r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException("interrupted");
    } catch (IOException e) {
      throw unreachable(e);
    }
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

  /** Sends and parses a JSON response; 2xx only. */
  public JsonNode send(HttpRequest request) {
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException("interrupted");
    } catch (IOException e) {
      throw unreachable(e);
    }
    if (r.statusCode() / 100 != 2) {
      throw ClientException.of(r.statusCode(), r.body());
    }
    try {
      return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new ClientException(
          request.uri()
              + " answered "
              + r.statusCode()
              + " with non-JSON: "
              + abbreviate(r.body()));
    }
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
