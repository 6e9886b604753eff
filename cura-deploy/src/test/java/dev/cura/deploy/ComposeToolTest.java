package dev.cura.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docker-compose's own schema check of docker-compose.yml, alone and with the GPU override on top
 * (offline; also checks that build contexts exist). Needs Debian's docker-compose 1.29; skipped
 * without it.
 */
class ComposeToolTest {

  @ParameterizedTest
  @ValueSource(strings = {"docker-compose.yml", "docker-compose.yml deploy/docker-compose.gpu.yml"})
  void composeFilesValidate(String files) {
    Path compose =
        Tools.require(
            "docker-compose", "apt-get install -y --no-install-recommends docker-compose");
    var args = new ArrayList<String>();
    for (String file : files.split(" ")) {
      args.addAll(List.of("-f", file));
    }
    args.addAll(List.of("config", "-q"));
    var cmd = new ArrayList<>(List.of(compose.toString()));
    cmd.addAll(args);
    Tools.Result r = Tools.run(Repo.root(), cmd);
    assertEquals(0, r.exitCode(), "docker-compose " + String.join(" ", args) + ":\n" + r.output());
  }
}
