package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura down}: Stops what ./cura up started. */
@Command(name = "down", description = "Stops what ./cura up started.")
public final class DownCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura down: not available in this build yet");
    return 2;
  }
}
