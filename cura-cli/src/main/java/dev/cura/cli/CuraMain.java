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
    System.exit(new CommandLine(new CuraMain()).execute(args));
  }
}
