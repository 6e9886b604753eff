package dev.cura.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
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

  /**
   * Rows under a header, every line in one printf format of {@code %s} columns (e.g. {@code "%-40s
   * %7s %s%n"}), so that the header and the rows line up by construction.
   */
  public record Table(PrintStream out, String format) {
    /** Prints the header; the table's rows follow with {@link #row}. */
    public static Table start(PrintStream out, String format, String... header) {
      out.printf(format, (Object[]) header);
      return new Table(out, format);
    }

    /** One row; a number or other value prints as {@link String#valueOf} writes it. */
    public void row(Object... cells) {
      out.printf(format, cells);
    }
  }

  /** A field as text, "-" when absent or null. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isMissingNode() || v.isNull() ? "-" : v.asText();
  }
}
