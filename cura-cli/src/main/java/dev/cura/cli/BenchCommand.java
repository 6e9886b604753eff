package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura bench}: Benchmarks: quantize, train, gateway. */
@Command(name = "bench", description = "Benchmarks: quantize, train, gateway.")
public final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura bench: not available in this build yet");
    return 2;
  }
}
