package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura keys}: Manages API keys of the running stack. */
@Command(name = "keys", description = "Manages API keys of the running stack.")
public final class KeysCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura keys: not available in this build yet");
    return 2;
  }
}
