package dev.cura.cli;

import dev.cura.cli.stack.LocalStack;
import dev.cura.cli.stack.StackPaths;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command on the local stack of this checkout ({@code up}, {@code down}, {@code status}): a
 * failure ends the progress line it interrupted and prints one line, {@code cura <command>:
 * <message>}, with exit code 1.
 */
abstract class StackCommand implements Callable<Integer> {
  @Spec CommandSpec command;

  /** Does the command on the stack; returns the exit code. */
  protected abstract int run(LocalStack stack) throws IOException;

  @Override
  public Integer call() {
    try {
      return run(new LocalStack(StackPaths.current(), System.out));
    } catch (LocalStack.StackException | IOException e) {
      System.out.println();
      System.err.println("cura " + command.name() + ": " + e.getMessage());
      return 1;
    }
  }
}
