package dev.cura.cli;

import dev.cura.cli.stack.LocalStack;
import java.io.IOException;
import picocli.CommandLine.Command;

/** {@code ./cura down}: Stops what ./cura up started. */
@Command(
    name = "down",
    description =
        "Stops what ./cura up started (each process tree: SIGTERM, then SIGKILL after 30 s)."
            + " Data under .cura/local/ is kept.")
public final class DownCommand extends StackCommand {
  @Override
  protected int run(LocalStack stack) throws IOException {
    return stack.down();
  }
}
