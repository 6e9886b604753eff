package dev.cura.cli;

import dev.cura.cli.stack.LocalStack;
import java.io.IOException;
import picocli.CommandLine.Command;

/** {@code ./cura status}: Shows the local stack's processes and health. */
@Command(
    name = "status",
    description =
        "Shows the local stack's processes and health; exit status 0 when everything is ready.")
public final class StatusCommand extends StackCommand {
  @Override
  protected int run(LocalStack stack) throws IOException {
    return stack.status();
  }
}
