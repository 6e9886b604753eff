package dev.cura.cli.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.cli.CuraMain;
import dev.cura.core.hf.CheckpointDir;
import dev.cura.core.quant.QuantState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cura synth} + {@code cura quantize} end to end, and their user errors. */
public class QuantizeCommandTest {
  @TempDir Path tmp;

  static int run(String... args) {
    return new CommandLine(new CuraMain()).execute(args);
  }

  public static String stderrOf(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString();
  }

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
