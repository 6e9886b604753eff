package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docker-compose's own schema check of docker-compose.yml (offline; also checks that build contexts
 * exist). Needs Debian's docker-compose 1.29; skipped without it.
 */
class ComposeToolTest {

  @Test
  void composeFileValidates() {
    Path compose =
        Tools.require(
            "docker-compose", "apt-get install -y --no-install-recommends docker-compose");
    Tools.Result r =
        Tools.run(
            Repo.root(), List.of(compose.toString(), "-f", "docker-compose.yml", "config", "-q"));
    assertEquals(0, r.exitCode(), "docker-compose config -q:\n" + r.output());
  }

  @Test
  void composeFileWithTheGpuOverrideValidates() {
    Path compose =
        Tools.require(
            "docker-compose", "apt-get install -y --no-install-recommends docker-compose");
    Tools.Result r =
        Tools.run(
            Repo.root(),
            List.of(
                compose.toString(),
                "-f",
                "docker-compose.yml",
                "-f",
                "deploy/docker-compose.gpu.yml",
                "config",
                "-q"));
    assertEquals(0, r.exitCode(), "docker-compose config -q with the GPU override:\n" + r.output());
  }
}
