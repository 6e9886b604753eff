package dev.cura.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * The {@code ./cura} command line: offline model work, benchmarks, the local stack, a client. Its
 * {@code --help} and {@code --version} are inherited by every subcommand (picocli's inherited
 * scope), so no subcommand declares them again.
 */
@Command(
    name = "cura",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    version = "cura 0.1.0",
    description = "QLoRA fine-tuning: NF4 quantization, LoRA training, and the CURA services.",
    subcommands = {
      DemoCommand.class,
      UpCommand.class,
      DownCommand.class,
      StatusCommand.class,
      QuantizeCommand.class,
      SynthCommand.class,
      TrainCommand.class,
      PretrainCommand.class,
      EvalCommand.class,
      GenerateCommand.class,
      LogitsCommand.class,
      KeysCommand.class,
      DlqCommand.class,
      JobsCommand.class,
      AdaptersCommand.class,
      BenchCommand.class,
      TokenizerCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CuraMain extends CommandGroup {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its exception handler ({@link #failed}); tests run this one too. */
  public static CommandLine commandLine() {
    return new CommandLine(new CuraMain()).setExecutionExceptionHandler(CuraMain::failed);
  }

  /**
   * An exception out of a command becomes one line naming the command, not a stack trace: an {@link
   * IllegalArgumentException} is bad input (exit 2, like picocli's usage errors, e.g. {@code cura
   * dlq list: service must be one of [gateway, ...], got 'nosuch'}); anything else exits 1. {@code
   * CURA_DEBUG=1} adds the stack trace for a bug report.
   */
  static int failed(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + message);
    if (System.getenv("CURA_DEBUG") != null) {
      e.printStackTrace(cmd.getErr());
    } else if (!(e instanceof IllegalArgumentException)) {
      cmd.getErr().println("(CURA_DEBUG=1 shows the stack trace)");
    }
    return e instanceof IllegalArgumentException ? 2 : 1;
  }
}
