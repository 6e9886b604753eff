package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura train}: Trains a LoRA adapter on a (quantized) base model. */
@Command(name = "train", description = "Trains a LoRA adapter on a (quantized) base model.")
public final class TrainCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura train: not available in this build yet");
    return 2;
  }
}
