package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura pretrain}: Full-parameter training of a small base model. */
@Command(name = "pretrain", description = "Full-parameter training of a small base model.")
public final class PretrainCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura pretrain: not available in this build yet");
    return 2;
  }
}
