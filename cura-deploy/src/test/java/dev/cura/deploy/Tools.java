package dev.cura.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * External validators (kubectl, promtool, docker-compose) found on PATH. A test that needs one that
 * is missing is skipped, never passed.
 */
final class Tools {

  /** Exit code and combined output of a finished command. */
  record Result(int exitCode, String output) {}

  static Path which(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** The tool's path; skips the calling test when it is not installed. */
  static Path require(String name, String installHint) {
    Path tool = which(name);
    assumeTrue(tool != null, name + " is not on PATH (" + installHint + "): check skipped");
    return tool;
  }

  static Result run(Path workDir, List<String> command) {
    try {
      Path out = Files.createTempFile("tool", ".out");
      Process p =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      Files.deleteIfExists(out);
      return new Result(p.exitValue(), output);
    } catch (IOException e) {
      throw new AssertionError("could not run " + String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private Tools() {}
}
