package dev.cura.cli;

import dev.cura.cli.engine.ModelCommand;
import dev.cura.engine.data.Conversation;
import dev.cura.engine.data.ExampleBuilder;
import dev.cura.engine.data.TextTokenizer;
import dev.cura.engine.infer.Generator;
import dev.cura.engine.model.LlamaModel;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./cura generate}: Generates text from a prompt. */
@Command(
    name = "generate",
    description = "Generates a reply (greedy, or temperature/top-p sampling); stops at EOS.")
public final class GenerateCommand extends ModelCommand {
  @Option(names = "--prompt", required = true)
  String prompt;

  @Option(names = "--chat", description = "wrap the prompt as a user message (chat template)")
  boolean chat;

  @Option(names = "--max-new-tokens", defaultValue = "64")
  int maxNewTokens;

  @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy")
  double temperature;

  @Option(names = "--top-p", defaultValue = "1.0")
  double topP;

  @Option(names = "--seed", defaultValue = "0")
  long seed;

  @Override
  protected void run(LlamaModel m, TextTokenizer tok) {
    long[] ids =
        new ExampleBuilder(tok, Integer.MAX_VALUE)
            .prompt(List.of(new Conversation.Message("user", prompt)), !chat);
    Set<Integer> eos = new HashSet<>(m.config().eosTokenIds());
    if (tok.eosId() >= 0) {
      eos.add(tok.eosId());
    }
    long[] out =
        Generator.generate(
            m, ids, eos, new Generator.Settings(maxNewTokens, temperature, topP, seed));
    System.out.println(tok.decode(out));
  }
}
