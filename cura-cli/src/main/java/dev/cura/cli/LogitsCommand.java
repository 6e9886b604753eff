package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura logits}: Writes the logits of one forward pass. */
@Command(name = "logits", description = "Writes the logits of one forward pass.")
public final class LogitsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura logits: not available in this build yet");
    return 2;
  }
}
