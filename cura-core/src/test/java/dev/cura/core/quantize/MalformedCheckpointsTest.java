package dev.cura.core.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.synth.MalformedCheckpoints;
import dev.cura.core.util.FormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The malformed-checkpoint corpus against the quantizer: every case is refused with a {@link
 * FormatException} (a user error) of one line that names the broken file and says what is wrong,
 * and nothing is written before the checks that can run up front (config, headers, shapes, layer
 * count, tokenizer files).
 */
class MalformedCheckpointsTest {
  @TempDir Path tmp;

  @Test
  void theCorpusStartsFromAValidCheckpointAndHasAtLeastFortyCases() throws Exception {
    Path src = tmp.resolve("valid");
    MalformedCheckpoints.writeValid(src);
    var report =
        CheckpointQuantizer.quantize(
            src, tmp.resolve("out"), QuantizeSettings.defaults(), QuantizeListener.NONE);
    assertEquals(14, report.quantizedTensors(), "7 linears × 2 layers");
    assertTrue(
        MalformedCheckpoints.all().size() >= 40, "cases: " + MalformedCheckpoints.all().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.cura.core.synth.MalformedCheckpoints#all")
  void isRefusedWithOneLineNamingTheFile(MalformedCheckpoints.Case c) throws Exception {
    Path src = c.writeInto(tmp.resolve("src"));
    Path out = tmp.resolve("out");
    var e =
        assertThrows(
            FormatException.class,
            () ->
                CheckpointQuantizer.quantize(
                    src, out, QuantizeSettings.defaults(), QuantizeListener.NONE));
    String m = e.getMessage();
    assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
    assertFalse(m.contains("[Source:"), "no parser source excerpt: " + m);
    assertTrue(m.contains(c.file()), "names " + c.file() + ": " + m);
    assertTrue(m.contains(c.says()), "says '" + c.says() + "': " + m);
    if (!c.says().equals("NaN") && !c.says().equals("Infinity") && !c.name().contains("lm_head")) {
      assertFalse(Files.exists(out), "refused before anything was written: " + m);
    }
  }
}
