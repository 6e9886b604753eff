package dev.cura.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.cli.engine.ModelCommand;
import dev.cura.engine.data.ExampleBuilder;
import dev.cura.engine.data.JsonlDataset;
import dev.cura.engine.data.TextTokenizer;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.train.Evaluator;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./cura eval}: Loss and perplexity on a dataset. */
@Command(
    name = "eval",
    description =
        "Mean loss on completion/assistant tokens; prints JSON {loss, perplexity, tokens}.")
public final class EvalCommand extends ModelCommand {
  @Option(names = "--data", required = true)
  Path data;

  @Option(names = "--seq-len", defaultValue = "256")
  int seqLen;

  @Option(names = "--batch-size", defaultValue = "4")
  int batchSize;

  @Override
  protected void run(LlamaModel m, TextTokenizer tok) throws IOException {
    var examples = new ExampleBuilder(tok, seqLen).buildAll(JsonlDataset.read(data));
    Evaluator.Result r = Evaluator.evaluate(m, examples, batchSize);
    var o = new ObjectMapper().createObjectNode();
    o.put("loss", r.loss());
    o.put("perplexity", r.perplexity());
    o.put("tokens", r.tokens());
    System.out.println(o.toString());
  }
}
