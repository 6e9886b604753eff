package dev.cura.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DlqCommandTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void sinceTakesDurationsBackFromNowAndInstants() {
    assertNull(DlqCommand.parseSince(null, NOW));
    assertEquals(Instant.parse("2026-12-01T11:50:00Z"), DlqCommand.parseSince("10m", NOW));
    assertEquals(Instant.parse("2026-12-01T10:00:00Z"), DlqCommand.parseSince("2h", NOW));
    assertEquals(Instant.parse("2026-11-30T12:00:00Z"), DlqCommand.parseSince("1d", NOW));
    assertEquals(Instant.parse("2026-12-01T11:30:00Z"), DlqCommand.parseSince("PT30M", NOW));
    assertEquals(
        Instant.parse("2026-12-01T10:00:00Z"), DlqCommand.parseSince("2026-12-01T10:00:00Z", NOW));
    var e =
        assertThrows(
            CommandLine.ParameterException.class, () -> DlqCommand.parseSince("yesterday", NOW));
    assertEquals(true, e.getMessage().contains("yesterday"));
  }

  @Test
  void anUnknownServiceIsOneLineAndExitTwoNotAStackTrace() {
    int[] rc = new int[1];
    // the service is checked before any broker is contacted: nothing listens on port 9
    String err =
        Cli.stderrOf(() -> rc[0] = Cli.run("dlq", "list", "nosuch", "--bootstrap", "127.0.0.1:9"));
    assertEquals(2, rc[0], err);
    assertEquals(
        "cura dlq list: service must be one of [gateway, quantizer, trainer, registry], got"
            + " 'nosuch'",
        err.strip());
  }
}
