package dev.cura.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Arrays;

/** The command line as the tests run it: in this JVM, as {@code ./cura ARGS} would. */
public final class Cli {
  private Cli() {}

  /** {@code ./cura ARGS}'s exit code; each argument as {@link String#valueOf} writes it. */
  public static int run(Object... args) {
    String[] words = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
    return CuraMain.commandLine().execute(words);
  }

  /** What {@code r} wrote to stderr. */
  public static String stderrOf(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString();
  }
}
