package dev.cura.trainer.job;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test of the job logic: each test gets a fresh {@link JobFixture} in its own directory. */
abstract class JobFixtureTest {
  @TempDir Path tmp;
  JobFixture fx;

  @BeforeEach
  void newFixture() throws Exception {
    fx = new JobFixture(tmp);
  }
}
