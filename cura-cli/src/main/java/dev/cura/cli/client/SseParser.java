package dev.cura.cli.client;

import java.util.function.Consumer;

/**
 * A line-by-line parser of a {@code text/event-stream} (the WHATWG server-sent events format):
 * {@code data:} lines accumulate, joined by newlines, and a blank line dispatches the event;
 * comments ({@code :}) and other fields ({@code id}, {@code event}, {@code retry}) are ignored.
 */
public final class SseParser {
  private final Consumer<String> sink;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;

  public SseParser(Consumer<String> sink) {
    this.sink = sink;
  }

  /** Feeds one line (without its line terminator). */
  public void line(String line) {
    if (line.isEmpty()) {
      if (hasData) {
        sink.accept(data.toString());
      }
      data.setLength(0);
      hasData = false;
      return;
    }
    if (line.startsWith(":")) {
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    if (field.equals("data")) {
      if (hasData) {
        data.append('\n');
      }
      data.append(value);
      hasData = true;
    }
  }
}
