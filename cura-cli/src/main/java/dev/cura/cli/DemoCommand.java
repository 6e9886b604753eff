package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura demo}: Runs the whole system on the bundled example job. */
@Command(name = "demo", description = "Runs the whole system on the bundled example job.")
public final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura demo: not available in this build yet");
    return 2;
  }
}
