package dev.cura.cli.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/**
 * Runs a command body and turns user-facing failures into one line on stderr (exit code 2); a
 * message that names a job-spec field ({@code lora.r …}, as the engine's do) names the flag.
 */
public final class CliErrors {
  private CliErrors() {}

  public static Integer run(String command, Callable<Integer> body) {
    try {
      return body.call();
    } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
      return usage(command, SpecFlags.withFlags(e.getMessage()));
    } catch (IOException | UncheckedIOException e) {
      System.err.println("cura " + command + ": I/O error: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("cura " + command + ": internal error: " + e);
      return 1;
    }
  }

  /** A usage error: {@code cura <command>: <message>} on stderr; returns its exit code, 2. */
  public static int usage(String command, String message) {
    System.err.println("cura " + command + ": " + message);
    return 2;
  }

  /** Parses "1,2,3". */
  public static long[] ids(String csv) {
    String[] parts = csv.split(",");
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Long.parseLong(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--ids must be comma-separated integers, got '" + parts[i] + "'");
      }
    }
    return out;
  }
}
