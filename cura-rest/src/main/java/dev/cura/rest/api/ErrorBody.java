package dev.cura.rest.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The JSON error shape of every CURA service, OpenAI's: {@code
 * {"error":{"message","type","param","code"}}}. {@code type} is the broad class the OpenAI SDKs
 * read ({@code invalid_request_error}, {@code authentication_error}, …; see {@link #typeOf}),
 * {@code code} the stable CURA code a client can switch on, {@code param} the offending request
 * field or null.
 */
public record ErrorBody(Detail error) {
  /** One error. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"message", "type", "param", "code"})
  public record Detail(String message, String type, String param, String code) {}

  /** An error of the type that belongs to {@code status}. */
  public static ErrorBody of(int status, String code, String message, String param) {
    return new ErrorBody(new Detail(message, typeOf(status), param, code));
  }

  /**
   * OpenAI's error type for an HTTP status: 401 {@code authentication_error}, 403 {@code
   * permission_error}, 408 {@code timeout_error}, 429 {@code rate_limit_error}, other 4xx {@code
   * invalid_request_error}, 5xx {@code server_error}.
   */
  public static String typeOf(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 408 -> "timeout_error";
      case 429 -> "rate_limit_error";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }
}
