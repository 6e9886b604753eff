package dev.cura.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A failed call, with the service's error message when it sent one. */
public final class ClientException extends RuntimeException {
  private final int status;

  public ClientException(String message) {
    this(0, message);
  }

  public ClientException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** 0 when the service was not reached. */
  public int status() {
    return status;
  }

  static ClientException of(int status, String body) {
    try {
      JsonNode e = new ObjectMapper().readTree(body).path("error");
      if (e.isObject()) {
        String param = e.path("param").isTextual() ? " [" + e.path("param").asText() + "]" : "";
        return new ClientException(
            status,
            "HTTP "
                + status
                + " "
                + e.path("code").asText()
                + param
                + ": "
                + e.path("message").asText());
      }
    } catch (Exception ignored) {
      // not the JSON error shape: show the raw body
    }
    return new ClientException(status, "HTTP " + status + ": " + CuraClient.abbreviate(body));
  }
}
