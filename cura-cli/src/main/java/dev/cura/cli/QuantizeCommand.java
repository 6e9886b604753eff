package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code ./cura quantize}: Quantizes a Hugging Face checkpoint to NF4/FP4 (bitsandbytes layout).
 */
@Command(
    name = "quantize",
    description = "Quantizes a Hugging Face checkpoint to NF4/FP4 (bitsandbytes layout).")
public final class QuantizeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura quantize: not available in this build yet");
    return 2;
  }
}
