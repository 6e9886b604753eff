package dev.cura.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./cura adapters}: Adapters in the running registry. */
@Command(name = "adapters", description = "Adapters in the running registry.")
public final class AdaptersCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("cura adapters: not available in this build yet");
    return 2;
  }
}
