package dev.cura.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  @Test
  void dispatchesDataOnBlankLinesAndIgnoresOtherFields() {
    List<String> got = new ArrayList<>();
    SseParser p = new SseParser(got::add);
    for (String line :
        List.of(
            ": keep-alive",
            "id: ftevent-1",
            "event: metrics",
            "data: {\"a\":1}",
            "",
            "",
            "data:{\"b\":2}",
            "data: {\"c\":3}",
            "retry: 1000",
            "",
            "data: trailing without blank line")) {
      p.line(line);
    }
    // the second event has two data lines joined by \n; the last is never dispatched (no blank
    // line)
    assertEquals(List.of("{\"a\":1}", "{\"b\":2}\n{\"c\":3}"), got);
  }
}
