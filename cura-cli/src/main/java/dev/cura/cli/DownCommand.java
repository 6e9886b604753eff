package dev.cura.cli;

import dev.cura.cli.stack.LocalStack;
import dev.cura.cli.stack.StackPaths;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura down}: Stops what ./cura up started. */
@Command(
    name = "down",
    description =
        "Stops what ./cura up started (each process tree: SIGTERM, then SIGKILL after 30 s)."
            + " Data under .cura/local/ is kept.")
public final class DownCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    try {
      return new LocalStack(StackPaths.current(), System.out).down();
    } catch (IOException e) {
      System.err.println("cura down: " + e.getMessage());
      return 1;
    }
  }
}
