package dev.cura.cli.quant;

import static dev.cura.cli.Cli.run;
import static dev.cura.cli.Cli.stderrOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.hf.CheckpointDir;
import dev.cura.core.quant.QuantState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cura synth} + {@code cura quantize} end to end, and their user errors. */
class QuantizeCommandTest {
  @TempDir Path tmp;

  @Test
  void synthThenQuantize() throws Exception {
    Path src = tmp.resolve("src");
    Path out = tmp.resolve("out");
    assertEquals(0, run("synth", "--params", "20M", "--out", src.toString(), "--quiet"));
    assertEquals(0, run("quantize", src.toString(), out.toString(), "--quant", "fp4", "--quiet"));
    try (CheckpointDir q = CheckpointDir.open(out)) {
      String w = "model.layers.0.mlp.down_proj.weight";
      QuantState s = QuantState.fromTensors(w, q::tensorBytesOrNull);
      assertEquals("fp4", s.quantType().jsonName());
      assertTrue(s.nested());
      assertEquals(
          "fp4", q.config().get("quantization_config").get("bnb_4bit_quant_type").asText());
    }
    assertTrue(Files.exists(out.resolve("quantization_report.json")));
    // no partial directory left beside OUT
    try (var s = Files.list(tmp)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".partial")));
    }
  }

  @Test
  void userErrorsAreOneLineMessagesWithExitCode2() throws Exception {
    String err =
        stderrOf(
            () -> assertEquals(2, run("quantize", tmp.toString(), tmp.resolve("o").toString())));
    assertTrue(err.contains("config.json is missing"), err);
    assertFalse(err.contains("Exception"), err);
    err =
        stderrOf(
            () ->
                assertEquals(
                    2,
                    run(
                        "quantize",
                        tmp.toString(),
                        tmp.resolve("o").toString(),
                        "--blocksize",
                        "48")));
    assertTrue(err.contains("got 48"), err);
    err =
        stderrOf(
            () ->
                assertEquals(
                    2, run("synth", "--params", "lots", "--out", tmp.resolve("s").toString())));
    assertTrue(err.contains("got lots"), err);
  }
}
