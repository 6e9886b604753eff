package dev.cura.cli.quant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.synth.MalformedCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code ./cura quantize} on every malformed checkpoint of the corpus: a non-zero exit, exactly one
 * line on stderr naming the broken file, and no output directory (nor a partial one) left behind.
 */
class QuantizeCorpusTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.cura.core.synth.MalformedCheckpoints#all")
  void exitsNonZeroWithOneLineNamingTheFileAndLeavesNothing(MalformedCheckpoints.Case c)
      throws Exception {
    Path src = c.writeInto(tmp.resolve("src"));
    Path out = tmp.resolve("out");
    int[] code = new int[1];
    String err =
        QuantizeCommandTest.stderrOf(
            () ->
                code[0] =
                    QuantizeCommandTest.run("quantize", src.toString(), out.toString(), "--quiet"));
    assertNotEquals(0, code[0], err);
    List<String> lines = err.strip().lines().toList();
    assertTrue(lines.size() == 1, "one line: " + err);
    assertTrue(lines.get(0).startsWith("cura quantize: "), err);
    assertTrue(lines.get(0).contains(c.file()), "names " + c.file() + ": " + err);
    assertFalse(lines.get(0).contains("Exception"), err);
    assertFalse(Files.exists(out), "no output");
    try (var s = Files.list(tmp)) {
      assertFalse(
          s.anyMatch(p -> p.getFileName().toString().contains(".partial")), "no partial output");
    }
  }
}
