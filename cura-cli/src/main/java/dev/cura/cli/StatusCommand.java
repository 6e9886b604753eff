package dev.cura.cli;

import dev.cura.cli.stack.LocalStack;
import dev.cura.cli.stack.StackPaths;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura status}: Shows the local stack's processes and health. */
@Command(
    name = "status",
    description =
        "Shows the local stack's processes and health; exit status 0 when everything is ready.")
public final class StatusCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    try {
      return new LocalStack(StackPaths.current(), System.out).status();
    } catch (IOException e) {
      System.err.println("cura status: " + e.getMessage());
      return 1;
    }
  }
}
