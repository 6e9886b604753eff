package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura bench quantize}: Quantizer throughput and memory vs a plain copy. */
@Command(name = "quantize", description = "Quantizer throughput and memory vs a plain copy.")
public final class BenchQuantizeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura bench quantize: not available in this build yet");
    return 2;
  }
}
