package dev.cura.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;

/**
 * A hostile-request corpus for a CURA REST service: each case is raw HTTP bytes and the documented
 * outcome (docs/api.md, "Errors"): the exact 4xx status, the error shape {@code
 * {"error":{"message","type","param","code"}}} with a non-empty message, OpenAI's type for the
 * status, and the stable code where the case names one — never a 5xx, never a hang.
 */
public final class RestFuzz {
  /** How long a case may take before it counts as a hang (the slowest cases wait for a timeout). */
  public static final int HANG_MS = 20_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TYPES =
      Set.of(
          "invalid_request_error",
          "authentication_error",
          "permission_error",
          "timeout_error",
          "rate_limit_error");

  /**
   * One hostile request.
   *
   * @param code the expected {@code error.code}, or null when any code is documented
   */
  public record Case(String name, byte[] request, int status, String code) {
    @Override
    public String toString() {
      return name;
    }
  }

  private RestFuzz() {}

  /** A request under construction; {@link #build} adds Host, Connection and Content-Length. */
  public static final class Req {
    private final String requestLine;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body = new byte[0];
    private boolean chunked;
    private boolean keepLength = true;

    private Req(String requestLine) {
      this.requestLine = requestLine;
    }

    /** {@code METHOD path HTTP/1.1}. */
    public static Req of(String method, String path) {
      return new Req(method + " " + path + " HTTP/1.1");
    }

    /** A request line sent as is. */
    public static Req line(String requestLine) {
      return new Req(requestLine);
    }

    public Req key(String key) {
      return header("Authorization", "Bearer " + key);
    }

    public Req header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Req json(String body) {
      return header("Content-Type", "application/json").body(body);
    }

    public Req body(String body) {
      return body(body.getBytes(StandardCharsets.UTF_8));
    }

    public Req body(byte[] body) {
      this.body = body;
      return this;
    }

    /** Sends the body chunked (no Content-Length). */
    public Req chunked() {
      this.chunked = true;
      return this;
    }

    /** Leaves Content-Length to the headers given (a lying or malformed one). */
    public Req noLength() {
      this.keepLength = false;
      return this;
    }

    public byte[] build() {
      var head = new StringBuilder(requestLine).append("\r\nHost: localhost\r\nConnection: close");
      headers.forEach((k, v) -> head.append("\r\n").append(k).append(": ").append(v));
      if (chunked) {
        head.append("\r\nTransfer-Encoding: chunked");
        return RawHttp.request(head.toString(), RawHttp.chunked(body, 8192));
      }
      if (keepLength && (body.length > 0 || requestLine.startsWith("POST"))) {
        head.append("\r\nContent-Length: ").append(body.length);
      }
      return RawHttp.request(head.toString(), body);
    }

    /** The case: this request must be answered {@code status} with {@code code}. */
    public Case expect(String name, int status, String code) {
      return new Case(name, build(), status, code);
    }
  }

  /** One dynamic test per case, in order. */
  public static Stream<DynamicTest> tests(int port, List<Case> cases) {
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(port, c)));
  }

  /**
   * The cases' tests, then one that checks they created nothing: {@code state} (row counts, stored
   * files) reads as it did before them, and {@code stillServing} passes.
   */
  public static Stream<DynamicTest> testsThatCreateNothing(
      int port, List<Case> cases, Supplier<Map<String, Long>> state, Executable stillServing) {
    Map<String, Long> before = state.get();
    return Stream.concat(
        tests(port, cases),
        Stream.of(
            DynamicTest.dynamicTest(
                "nothing was created",
                () -> {
                  assertEquals(before, state.get(), "rows or artifacts appeared");
                  stillServing.execute();
                })));
  }

  /** Sends {@code c} and asserts its documented outcome. */
  public static void check(int port, Case c) throws IOException {
    RawHttp.Response r = RawHttp.exchange(port, c.request(), HANG_MS);
    assertFalse(r.timedOut(), c.name() + ": no complete answer within " + HANG_MS + " ms: " + r);
    assertEquals(c.status(), r.status(), c.name() + ": " + r);
    assertTrue(
        String.valueOf(r.header("content-type")).startsWith("application/json"),
        c.name() + ": not JSON: " + r);
    JsonNode error = JSON.readTree(r.body()).path("error");
    assertTrue(error.isObject(), c.name() + ": no error object: " + r);
    for (String field : List.of("message", "type", "param", "code")) {
      assertTrue(error.has(field), c.name() + ": error." + field + " missing: " + r);
    }
    assertTrue(
        error.path("message").isTextual() && !error.path("message").asText().isBlank(),
        c.name() + ": empty message: " + r);
    assertTrue(
        TYPES.contains(error.path("type").asText()), c.name() + ": unknown type: " + r.body());
    assertTrue(
        error.path("param").isNull() || error.path("param").isTextual(),
        c.name() + ": param: " + r);
    assertNotNull(error.path("code").textValue(), c.name() + ": code: " + r);
    if (c.code() != null) {
      assertEquals(c.code(), error.path("code").asText(), c.name() + ": " + r.body());
    }
  }

  /** A JSON body {@code json} that the route must refuse: 400 with {@code code}. */
  private static Case badJson(String path, String key, String json, String name, String code) {
    return Req.of("POST", path).key(key).json(json).expect(name, 400, code);
  }

  /** A body of a media type a JSON route does not take: 415. */
  private static Case unsupportedBody(
      String path, String key, String contentType, String body, String name) {
    return Req.of("POST", path)
        .key(key)
        .header("Content-Type", contentType)
        .body(body)
        .expect(name, 415, "unsupported_media_type");
  }

  /**
   * A JSON POST framed by {@code headers} (name, value, …) in place of a Content-Length: 400
   * malformed_http, answered by the codec guard.
   */
  private static Case badFraming(
      String path, String key, String name, String body, String... headers) {
    Req r = Req.of("POST", path).key(key).header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return r.noLength().body(body).expect(name, 400, "malformed_http");
  }

  /** A GET of a path the URL rules refuse: 400. */
  private static Case badUrl(String pathAndQuery, String key, String name) {
    return Req.of("GET", pathAndQuery).key(key).expect(name, 400, null);
  }

  /**
   * A GET whose {@code Authorization} header (none when null) holds no usable key: 401 {@code
   * invalid_api_key}.
   */
  private static Case badKey(String path, String authorization, String name) {
    Req r = Req.of("GET", path);
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return r.expect(name, 401, "invalid_api_key");
  }

  /** Cases every CURA REST service shares (HTTP framing, auth, routing, JSON), for {@code key}. */
  public static List<Case> common(String key, String jsonPost, String getPath) {
    var cases = new ArrayList<Case>();
    // authentication
    cases.add(badKey(getPath, null, "no Authorization header"));
    cases.add(badKey(getPath, "Basic dXNlcjpwYXNz", "Basic instead of Bearer"));
    cases.add(badKey(getPath, "Bearer", "Bearer without a key"));
    cases.add(badKey(getPath, "Bearer short", "key too short"));
    cases.add(badKey(getPath, "Bearer " + "k".repeat(201), "key too long"));
    cases.add(badKey(getPath, "Bearer cura-unknown-key-000000000000000000000", "unknown key"));
    cases.add(
        badKey(
            getPath,
            "Bearer cura-\u00e9\u00e9\u00e9-not-ascii-0000000000",
            "key with non-ASCII bytes"));
    cases.add(
        Req.of("GET", getPath)
            .header("Authorization", "Bearer \u0001" + key)
            .expect("key with a control character", 400, "malformed_http"));
    // routing
    cases.add(Req.of("GET", "/v1/no-such-thing").key(key).expect("unknown route", 404, null));
    cases.add(Req.of("GET", "/nowhere").key(key).expect("unknown root route", 404, null));
    cases.add(
        Req.of("DELETE", getPath).key(key).expect("DELETE on a list", 405, "method_not_allowed"));
    cases.add(Req.of("PATCH", getPath).key(key).expect("PATCH on a list", 405, null));
    cases.add(Req.of("TRACE", getPath).key(key).expect("TRACE", 405, null));
    // URL
    cases.add(badUrl(getPath + "/%00", key, "NUL in the path"));
    cases.add(badUrl(getPath + "/a%1Fb", key, "control char in the path"));
    cases.add(badUrl(getPath + "/%C2%85", key, "C1 control in the path"));
    cases.add(badUrl(getPath + "/%ZZ", key, "broken percent escape"));
    cases.add(badUrl(getPath + "/%FF%FE", key, "escaped bytes not UTF-8"));
    cases.add(badUrl(getPath + "?x=%00", key, "NUL in a query value"));
    cases.add(badUrl(getPath + "?%01=1", key, "control char in a query name"));
    cases.add(badUrl(getPath + "/a%ED%A0%80b", key, "surrogate bytes in the path"));
    // HTTP framing (answered by the codec guard)
    cases.add(
        badFraming(jsonPost, key, "Content-Length not a number", "{}", "Content-Length", "abc"));
    cases.add(badFraming(jsonPost, key, "negative Content-Length", "{}", "Content-Length", "-5"));
    cases.add(
        badFraming(
            jsonPost,
            key,
            "two different Content-Lengths",
            "{}",
            "Content-Length",
            "2",
            "content-length",
            "3"));
    cases.add(
        badFraming(
            jsonPost,
            key,
            "Content-Length with Transfer-Encoding",
            "2\r\n{}\r\n0\r\n\r\n",
            "Content-Length",
            "2",
            "Transfer-Encoding",
            "chunked"));
    cases.add(
        badFraming(
            jsonPost,
            key,
            "chunk size not hex",
            "zz\r\n{}\r\n0\r\n\r\n",
            "Transfer-Encoding",
            "chunked"));
    cases.add(
        Req.of("GET", getPath)
            .key(key)
            .header("X-Bad", "a\u0000b")
            .expect("NUL in a header value", 400, "malformed_http"));
    cases.add(
        Req.of("GET", getPath)
            .key(key)
            .header("X-Bad\u0001Name", "x")
            .expect("control char in a header name", 400, "malformed_http"));
    cases.add(
        new Case(
            "header line without a colon",
            RawHttp.request(
                "GET " + getPath + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nNoColonHere",
                new byte[0]),
            400,
            "malformed_http"));
    cases.add(
        Req.of("GET", getPath + "?q=" + "a".repeat(9000))
            .key(key)
            .expect("request line over 4 KiB", 414, "uri_too_long"));
    cases.add(
        Req.of("GET", getPath)
            .key(key)
            .header("X-Big", "b".repeat(30_000))
            .expect("headers over 20 KiB", 431, "headers_too_large"));
    cases.add(
        Req.line("GET " + getPath + " HTTP/1.1 extra")
            .key(key)
            .expect("request line with four parts", 400, "malformed_http"));
    cases.add(
        Req.line("GET " + getPath + "/a|b HTTP/1.1")
            .key(key)
            .expect("URI with a character URIs forbid", 400, "invalid_uri"));
    cases.add(
        new Case(
            "control bytes instead of a request line",
            new byte[] {1, 2, 3, '\r', '\n', '\r', '\n'},
            408,
            "request_timeout"));
    cases.add(
        new Case(
            "request head never finished",
            ("GET " + getPath + " HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII),
            408,
            "request_timeout"));
    cases.add(
        Req.of("POST", jsonPost)
            .key(key)
            .header("Content-Type", "application/json")
            .header("Content-Length", "100")
            .noLength()
            .body("{\"a\":")
            .expect("body shorter than its Content-Length", 408, "request_timeout"));
    // bodies
    cases.add(
        Req.of("POST", jsonPost)
            .key(key)
            .body("{}")
            .expect("body without Content-Type", 415, "unsupported_media_type"));
    cases.add(unsupportedBody(jsonPost, key, "text/plain", "{}", "text/plain body"));
    cases.add(
        unsupportedBody(jsonPost, key, "application/x-www-form-urlencoded", "a=b", "form body"));
    cases.add(unsupportedBody(jsonPost, key, "not a media type", "{}", "malformed Content-Type"));
    cases.add(
        unsupportedBody(
            jsonPost,
            key,
            "multipart/form-data; boundary=x",
            "--x--\r\n",
            "multipart to a JSON route"));
    byte[] big = padded(1024 * 1024 + 10);
    cases.add(
        Req.of("POST", jsonPost)
            .key(key)
            .header("Content-Type", "application/json")
            .header("Content-Length", Integer.toString(big.length))
            .noLength()
            .expect("declared body over 1 MiB", 413, "request_too_large"));
    cases.add(
        Req.of("POST", jsonPost)
            .key(key)
            .header("Content-Type", "application/json")
            .body(big)
            .chunked()
            .expect("chunked body over 1 MiB", 413, "request_too_large"));
    cases.add(badJson(jsonPost, key, "{bad}", "bad JSON", "invalid_json"));
    cases.add(badJson(jsonPost, key, "{} {}", "trailing JSON", "invalid_json"));
    cases.add(
        badJson(jsonPost, key, "[".repeat(2000) + "]".repeat(2000), "JSON nested 2000 deep", null));
    cases.add(badJson(jsonPost, key, "{\"a\":1,\"a\":2}", "duplicate JSON key", null));
    cases.add(
        Req.of("POST", jsonPost)
            .key(key)
            .header("Content-Type", "application/json")
            .body(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'})
            .expect("JSON that is not UTF-8", 400, "invalid_json"));
    cases.add(badJson(jsonPost, key, "{\"a\":NaN}", "NaN literal", "invalid_json"));
    cases.add(badJson(jsonPost, key, "{'a':1}", "single-quoted JSON", "invalid_json"));
    cases.add(badJson(jsonPost, key, "{\"a\":1 /* c */}", "JSON comment", "invalid_json"));
    cases.add(
        badJson(
            jsonPost,
            key,
            "{\"a\":\"x\u0001y\"}",
            "raw control char in a JSON string",
            "invalid_json"));
    return cases;
  }

  /** {@code n} bytes of a JSON object padded with spaces. */
  public static byte[] padded(int n) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) ' ');
    b[0] = '{';
    b[n - 1] = '}';
    return b;
  }
}
