package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura bench gateway}: Durable job submissions per second. */
@Command(name = "gateway", description = "Durable job submissions per second.")
public final class BenchGatewayCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura bench gateway: not available in this build yet");
    return 2;
  }
}
