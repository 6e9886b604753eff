package dev.cura.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrinterTest {
  @Test
  void aTablesHeaderAndRowsShareItsColumns() {
    var buf = new ByteArrayOutputStream();
    var out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    var table = Printer.Table.start(out, "%-6s %7s  %s%n", "NAME", "LATEST", "UPDATED");
    table.row("tiny", 12, "-");
    table.row("small-adapter", 3, "2026-12-06T17:00:00Z");
    assertEquals(
        "NAME    LATEST  UPDATED\n"
            + "tiny        12  -\n"
            + "small-adapter       3  2026-12-06T17:00:00Z\n",
        buf.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
  }
}
