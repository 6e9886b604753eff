package dev.cura.testinfra;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.synth.MalformedCheckpoints;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a reader of checkpoints outside cura-core (the command line, the quantizer service) does
 * with every case of the malformed-checkpoint corpus ({@link MalformedCheckpoints}): it refuses the
 * checkpoint with one line that names the broken file. Each reader's test hands the broken
 * checkpoint over its own way, returns the refusal and asserts what else that reader promises (no
 * output left behind, the error code, …).
 */
public abstract class MalformedCheckpointContract {
  @TempDir protected Path tmp;

  /**
   * Hands the broken checkpoint to the reader, asserts the reader's own promises and returns its
   * refusal.
   */
  protected abstract String refusal(MalformedCheckpoints.Case c) throws Exception;

  /** Writes the case's broken checkpoint into {@code dir} (below {@link #tmp}). */
  protected Path brokenCheckpoint(MalformedCheckpoints.Case c, String dir) throws Exception {
    return c.writeInto(tmp.resolve(dir));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.cura.core.synth.MalformedCheckpoints#all")
  void isRefusedWithOneLineNamingTheFile(MalformedCheckpoints.Case c) throws Exception {
    String refusal = refusal(c);
    assertFalse(refusal.contains("\n"), "one line: " + refusal);
    assertTrue(refusal.contains(c.file()), "names " + c.file() + ": " + refusal);
  }
}
