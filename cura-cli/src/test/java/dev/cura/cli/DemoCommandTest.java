package dev.cura.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path repo;

  @Test
  void theDefaultBaseIsCuraSmallWhenItsWeightsAreThere() throws IOException {
    Files.createDirectories(repo.resolve("models/cura-small"));
    Files.createDirectories(repo.resolve("models/cura-tiny"));
    Files.writeString(repo.resolve("models/cura-small/model.safetensors"), "weights");
    assertEquals(repo.resolve("models/cura-small"), DemoCommand.defaultBase(repo));
  }

  @Test
  void aCheckoutWithoutCuraSmallsWeightsFallsBackToCuraTiny() throws IOException {
    Files.createDirectories(repo.resolve("models/cura-small/recipe"));
    Files.createDirectories(repo.resolve("models/cura-tiny"));
    assertEquals(repo.resolve("models/cura-tiny"), DemoCommand.defaultBase(repo));
  }

  @Test
  void baseNamesABundledModelOrADirectory() throws IOException {
    Files.createDirectories(repo.resolve("models/cura-tiny"));
    assertEquals(repo.resolve("models/cura-tiny"), DemoCommand.baseDir(repo, "cura-tiny"));
    Path elsewhere = repo.resolve("hf/llama");
    assertEquals(elsewhere, DemoCommand.baseDir(repo, elsewhere.toString()));
    // a name with no bundled directory is taken as a path (the demo then says what it expected)
    assertEquals(
        Path.of("no-such-model").toAbsolutePath(), DemoCommand.baseDir(repo, "no-such-model"));
  }

  @Test
  void everyBundledBaseHasJobDefaults() {
    assertEquals(
        DemoCommand.DEFAULTS.keySet(),
        java.util.Set.of(DemoCommand.DEFAULT_BASE, DemoCommand.FALLBACK_BASE));
  }
}
