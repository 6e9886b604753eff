package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura synth}: Writes a random Llama-shaped checkpoint of a given size. */
@Command(name = "synth", description = "Writes a random Llama-shaped checkpoint of a given size.")
public final class SynthCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura synth: not available in this build yet");
    return 2;
  }
}
