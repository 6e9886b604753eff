package dev.cura.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** Output helpers: pretty JSON for single objects, aligned rows for lists. */
public final class Printer {
  private Printer() {}

  public static String pretty(JsonNode node) {
    try {
      return CuraClient.json().writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      return node.toString();
    }
  }

  /** Unix seconds as an ISO instant, or "-" for null. */
  public static String time(JsonNode seconds) {
    return seconds == null || seconds.isNull() || seconds.isMissingNode()
        ? "-"
        : Instant.ofEpochSecond(seconds.asLong()).toString();
  }

  /** A field as text, "-" when absent or null. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isMissingNode() || v.isNull() ? "-" : v.asText();
  }
}
