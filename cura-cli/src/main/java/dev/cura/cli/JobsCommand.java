package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura jobs}: Fine-tuning jobs of the running stack. */
@Command(name = "jobs", description = "Fine-tuning jobs of the running stack.")
public final class JobsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura jobs: not available in this build yet");
    return 2;
  }
}
