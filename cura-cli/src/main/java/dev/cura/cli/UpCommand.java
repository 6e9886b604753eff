package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura up}: Starts the local stack: Kafka, PostgreSQL and the four services. */
@Command(
    name = "up",
    description = "Starts the local stack: Kafka, PostgreSQL and the four services.")
public final class UpCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura up: not available in this build yet");
    return 2;
  }
}
