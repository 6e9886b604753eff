package dev.cura.rest.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The JSON error shape of every CURA service: {@code {"error":{"code","message","param"}}}. */
public record ErrorBody(Detail error) {
  /** One error; {@code param} names the offending request field, or is null. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Detail(String code, String message, String param) {}

  public static ErrorBody of(String code, String message, String param) {
    return new ErrorBody(new Detail(code, message, param));
  }
}
