package dev.cura.cli.client;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A subcommand that calls one service of the stack: it gets its client from {@link ClientOptions}
 * (the service's default port unless {@code --url} says otherwise) and prints a service or I/O
 * error as one line, {@code cura <command>: <message>}, with exit code 1 instead of a stack trace.
 */
public abstract class ServiceCall implements Callable<Integer> {
  @Mixin ClientOptions options;

  private final String command;
  private final int defaultPort;

  /**
   * @param command the words that name the command in error lines, e.g. {@code "jobs"}
   * @param defaultPort the local stack's port of the service
   */
  protected ServiceCall(String command, int defaultPort) {
    this.command = command;
    this.defaultPort = defaultPort;
  }

  /** Does the call; returns the exit code. */
  protected abstract int run(CuraClient client) throws IOException;

  @Override
  public Integer call() {
    try {
      return run(options.client(defaultPort));
    } catch (ClientException | IOException e) {
      System.err.println("cura " + command + ": " + e.getMessage());
      return 1;
    }
  }
}
