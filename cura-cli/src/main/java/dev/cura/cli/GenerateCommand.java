package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura generate}: Generates text from a prompt. */
@Command(name = "generate", description = "Generates text from a prompt.")
public final class GenerateCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura generate: not available in this build yet");
    return 2;
  }
}
