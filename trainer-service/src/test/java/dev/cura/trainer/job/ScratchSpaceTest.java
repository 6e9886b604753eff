package dev.cura.trainer.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchSpaceTest {
  @TempDir Path root;

  @Test
  void aNewTrainerRemovesTheScratchOfDeadOnesButNotOfLiveOnes() throws Exception {
    // a dead trainer's scratch: its lock file exists but nobody holds it
    Path dead = Files.createDirectories(root.resolve("dead"));
    Files.createFile(dead.resolve(".lock"));
    Files.writeString(Files.createDirectories(dead.resolve("ftjob-1-x")).resolve("pages"), "x");

    try (ScratchSpace live = ScratchSpace.open(root)) {
      assertFalse(Files.exists(dead), "abandoned scratch removed");
      Files.writeString(live.dir().resolve("work"), "y");
      try (ScratchSpace second = ScratchSpace.open(root)) {
        assertTrue(Files.exists(live.dir().resolve("work")), "a live trainer's scratch stays");
        assertTrue(Files.isDirectory(second.dir()));
      }
    }
    try (var left = Files.list(root)) {
      assertFalse(left.findAny().isPresent(), "closed scratch spaces delete themselves");
    }
  }
}
