package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura eval}: Evaluates loss and perplexity on a JSONL data set. */
@Command(name = "eval", description = "Evaluates loss and perplexity on a JSONL data set.")
public final class EvalCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura eval: not available in this build yet");
    return 2;
  }
}
