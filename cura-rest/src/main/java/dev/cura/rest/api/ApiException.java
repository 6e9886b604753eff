package dev.cura.rest.api;

/**
 * An error a caller can act on, rendered as {@code {"error":{"code","message","param"}}} with the
 * given HTTP status. Messages say what was expected and what came; never internal class names.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String param;

  public ApiException(int status, String code, String message, String param) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.param = param;
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
    return new ApiException(401, "invalid_api_key", message, null);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message, null);
  }

  public static ApiException conflict(String code, String message) {
    return new ApiException(409, code, message, null);
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
}
