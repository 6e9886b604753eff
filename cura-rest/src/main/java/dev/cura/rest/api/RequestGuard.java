package dev.cura.rest.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The HTTP checks that run before the REST layer, in Vert.x, on every request: the path and query
 * decode to clean text ({@link Text}), a body names its media type (415), a declared {@code
 * Content-Length} fits the route (413: uploads on {@link HttpLimits#uploadPaths}, everything else
 * {@link HttpLimits#maxJsonBytes}; chunked bodies are counted as read by {@link BodyLimit}), and a
 * body that stops arriving is answered 408. A failure Vert.x raises itself (a path it cannot
 * decode, a body over {@code quarkus.http.limits.max-body-size}) is rendered in the same {@link
 * ErrorBody} shape instead of an empty page.
 */
@ApplicationScoped
public class RequestGuard {
  /** Runs before Quarkus' own upload-limit check (order -2), which answers with an empty 413. */
  static final int ORDER = -3;

  private static final Logger LOG = Logger.getLogger(RequestGuard.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> NO_BODY_TYPE_NEEDED = Set.of("GET", "HEAD", "OPTIONS");

  private final HttpLimits limits;
  private final long maxBodyBytes;
  private final Set<String> uploadPaths;

  RequestGuard(
      HttpLimits limits,
      @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
          MemorySize maxBody) {
    this.limits = limits;
    this.maxBodyBytes = maxBody.asLongValue();
    this.uploadPaths = Set.copyOf(limits.uploadPaths());
  }

  void install(@Observes Router router, Vertx vertx) {
    router.route().order(ORDER).handler(ctx -> check(ctx, vertx));
    router.route().order(ORDER).failureHandler(RequestGuard::renderFailure);
    for (int status = 400; status < 600; status++) {
      router.errorHandler(status, RequestGuard::renderFailure);
    }
  }

  /** The body limit of a path: uploads on their routes, JSON everywhere else. */
  long limitFor(String path) {
    return uploadPaths.contains(path)
        ? maxBodyBytes
        : Math.min(maxBodyBytes, limits.maxJsonBytes());
  }

  private void check(RoutingContext ctx, Vertx vertx) {
    HttpServerRequest req = ctx.request();
    ApiException refused = refusal(req);
    if (refused != null) {
      write(ctx.response(), refused);
      return;
    }
    if (hasBody(req) && !req.isEnded()) {
      watchForStall(ctx, vertx);
    }
    ctx.next();
  }

  private ApiException refusal(HttpServerRequest req) {
    String rawPath = req.path();
    String path;
    try {
      path = percentDecode(rawPath == null ? "" : rawPath);
    } catch (IllegalArgumentException e) {
      return ApiException.invalid(null, "the URL path is not valid: " + e.getMessage());
    }
    String problem = Text.problem(path, "the URL path");
    if (problem != null) {
      return ApiException.invalid(null, problem);
    }
    if (req.query() != null) {
      Map<String, List<String>> params;
      try {
        params = new QueryStringDecoder(req.query(), StandardCharsets.UTF_8, false).parameters();
      } catch (IllegalArgumentException e) {
        return ApiException.invalid(null, "the URL query is not valid: " + e.getMessage());
      }
      for (var p : params.entrySet()) {
        problem = Text.problem(p.getKey(), "a query parameter name");
        for (String v : p.getValue()) {
          problem =
              problem != null ? problem : Text.problem(v, "query parameter '" + p.getKey() + "'");
        }
        if (problem != null) {
          return ApiException.invalid(Text.firstBad(p.getKey()) < 0 ? p.getKey() : null, problem);
        }
      }
    }
    if (!hasBody(req)) {
      return null;
    }
    String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if ((type == null || type.isBlank()) && !NO_BODY_TYPE_NEEDED.contains(req.method().name())) {
      return ApiException.unsupportedMediaType(
          "the request has a body but no Content-Type; send 'Content-Type: application/json'"
              + (uploadPaths.contains(path) ? " (or multipart/form-data for uploads)" : ""));
    }
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    long limit = limitFor(path);
    if (length != null) {
      long bytes = Long.parseLong(length.trim()); // Netty has refused a malformed one already
      if (bytes > limit) {
        return ApiException.tooLarge(
            "request body is " + bytes + " bytes, the limit of " + path + " is " + limit);
      }
    }
    return null;
  }

  /** A body follows the head: a positive Content-Length or a Transfer-Encoding. */
  static boolean hasBody(HttpServerRequest req) {
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      try {
        return Long.parseLong(length.trim()) > 0;
      } catch (NumberFormatException e) {
        return true;
      }
    }
    return req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  /** 408 when no byte of the body arrives for {@link HttpLimits#bodyStallTimeout}. */
  private void watchForStall(RoutingContext ctx, Vertx vertx) {
    HttpServerRequest req = ctx.request();
    long stallMs = limits.bodyStallTimeout().toMillis();
    long period = Math.max(50, stallMs / 4);
    StallClock clock = new StallClock(stallMs, period, req.bytesRead(), System.nanoTime());
    long timer =
        vertx.setPeriodic(
            period,
            id -> {
              HttpServerResponse res = ctx.response();
              if (req.isEnded() || res.ended() || res.closed()) {
                vertx.cancelTimer(id);
                return;
              }
              long read = req.bytesRead();
              if (clock.stalled(read, System.nanoTime())) {
                vertx.cancelTimer(id);
                if (!res.headWritten()) {
                  write(
                      res,
                      new ApiException(
                              408,
                              "request_timeout",
                              "the request body stopped arriving: no byte for "
                                  + stallMs
                                  + " ms after "
                                  + read
                                  + " bytes",
                              null)
                          .withHeader("Connection", "close"));
                }
                req.connection().close();
              }
            });
    ctx.addEndHandler(v -> vertx.cancelTimer(timer));
  }

  private static void renderFailure(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    Throwable failure = ctx.failure();
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    ApiException e;
    if (failure instanceof ApiException a) {
      e = a;
    } else if (status >= 500) {
      LOG.errorf(failure, "request failed in the HTTP layer with %d", status);
      e = new ApiException(status, "internal_error", "the service failed on this request", null);
    } else {
      String code =
          switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "request_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            default -> "invalid_request_error";
          };
      String detail =
          failure == null || failure.getMessage() == null ? "" : ": " + failure.getMessage();
      e =
          new ApiException(
              status, code, "the HTTP request was refused (" + status + ")" + detail, null);
      if (status == 413) {
        e = e.withHeader("Connection", "close");
      }
    }
    write(ctx.response(), e);
  }

  /** Writes {@code e} in the error shape. */
  static void write(HttpServerResponse res, ApiException e) {
    if (res.ended() || res.headWritten()) {
      return;
    }
    String body;
    try {
      body = JSON.writeValueAsString(e.body());
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
    res.setStatusCode(e.status());
    res.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    e.headers().forEach(res::putHeader);
    res.end(body);
  }

  /**
   * RFC 3986 percent-decoding of a path ({@code +} stays {@code +}); the bytes must be UTF-8.
   *
   * @throws IllegalArgumentException for a broken escape or bytes that are not UTF-8
   */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    var bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '%') {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      if (i + 2 >= s.length()
          || Character.digit(s.charAt(i + 1), 16) < 0
          || Character.digit(s.charAt(i + 2), 16) < 0) {
        throw new IllegalArgumentException(
            "'%' at position " + i + " is not followed by two hex digits");
      }
      bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the escaped bytes are not UTF-8");
    }
  }
}
