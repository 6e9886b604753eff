package dev.cura.rest.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * An error a caller can act on, rendered as the {@link ErrorBody} shape with the given HTTP status.
 * Messages say what was expected and what came; never internal class names.
 *
 * <p>{@link #shouldRetry(boolean)} adds the {@code x-should-retry} header the OpenAI SDKs honour
 * before their own status-based retry rule: {@code false} on a permanent conflict (the job already
 * finished) stops an SDK from retrying a 409 it would otherwise retry.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String param;
  private final Map<String, String> headers;

  public ApiException(int status, String code, String message, String param) {
    this(status, code, message, param, Map.of());
  }

  private ApiException(
      int status, String code, String message, String param, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.param = param;
    this.headers = headers;
  }

  public static ApiException badRequest(String code, String message, String param) {
    return new ApiException(400, code, message, param);
  }

  public static ApiException invalid(String param, String message) {
    return new ApiException(400, "invalid_request_error", message, param);
  }

  /** 404 for a resource that does not exist or belongs to another tenant (indistinguishable). */
  public static ApiException notFound(String what, String id) {
    return new ApiException(404, "not_found", "no " + what + " with id '" + id + "'", null);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "invalid_api_key", message, null)
        .withHeader("WWW-Authenticate", "Bearer");
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message, null);
  }

  public static ApiException conflict(String code, String message) {
    return new ApiException(409, code, message, null);
  }

  /** 413: the body is larger than the route allows; the connection is closed after the answer. */
  public static ApiException tooLarge(String message) {
    return new ApiException(413, "request_too_large", message, null)
        .withHeader("Connection", "close");
  }

  /** 415: a body in a media type the route does not read (or none named). */
  public static ApiException unsupportedMediaType(String message) {
    return new ApiException(415, "unsupported_media_type", message, null);
  }

  /** 429 with {@code Retry-After}. */
  public static ApiException tooManyRequests(String code, String message, long retryAfterSeconds) {
    return new ApiException(429, code, message, null)
        .withHeader("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
  }

  /** This error with the {@code x-should-retry} header (OpenAI SDKs: retry or not). */
  public ApiException shouldRetry(boolean retry) {
    return withHeader("x-should-retry", Boolean.toString(retry));
  }

  /** This error with one more response header. */
  public ApiException withHeader(String name, String value) {
    var all = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
    all.putAll(headers);
    all.put(name, value);
    return new ApiException(status, code, getMessage(), param, Map.copyOf(all));
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String param() {
    return param;
  }

  /** Extra response headers (e.g. {@code Retry-After}, {@code x-should-retry}). */
  public Map<String, String> headers() {
    return headers;
  }

  /** The response body. */
  public ErrorBody body() {
    return ErrorBody.of(status, code, getMessage(), param);
  }
}
