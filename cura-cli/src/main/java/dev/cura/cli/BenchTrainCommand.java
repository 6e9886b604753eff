package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura bench train}: QLoRA vs unquantized step time and memory. */
@Command(name = "train", description = "QLoRA vs unquantized step time and memory.")
public final class BenchTrainCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura bench train: not available in this build yet");
    return 2;
  }
}
