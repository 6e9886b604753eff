package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura status}: Shows the local stack's processes and health. */
@Command(name = "status", description = "Shows the local stack's processes and health.")
public final class StatusCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura status: not available in this build yet");
    return 2;
  }
}
