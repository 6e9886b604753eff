package dev.cura.cli.quant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.cli.Cli;
import dev.cura.core.synth.MalformedCheckpoints;
import dev.cura.testinfra.MalformedCheckpointContract;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ./cura quantize} on every malformed checkpoint of the corpus: a non-zero exit, exactly one
 * line on stderr naming the broken file ({@link MalformedCheckpointContract}), and no output
 * directory (nor a partial one) left behind.
 */
class QuantizeCorpusTest extends MalformedCheckpointContract {
  @Override
  protected String refusal(MalformedCheckpoints.Case c) throws Exception {
    Path src = brokenCheckpoint(c, "src");
    Path out = tmp.resolve("out");
    int[] code = new int[1];
    String err = Cli.stderrOf(() -> code[0] = Cli.run("quantize", src, out, "--quiet"));
    assertNotEquals(0, code[0], err);
    assertTrue(err.strip().startsWith("cura quantize: "), err);
    assertFalse(err.contains("Exception"), err);
    assertFalse(Files.exists(out), "no output");
    try (var s = Files.list(tmp)) {
      assertFalse(
          s.anyMatch(p -> p.getFileName().toString().contains(".partial")), "no partial output");
    }
    return err.strip(); // the line printed, without its newline
  }
}
