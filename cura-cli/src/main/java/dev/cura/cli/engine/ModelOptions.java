package dev.cura.cli.engine;

import dev.cura.engine.data.TextTokenizer;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.peft.PeftAdapter;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --model}, {@code --adapter}, {@code --quant} of the commands that run a model ({@code
 * eval}, {@code generate}, {@code logits}; a picocli mixin): loads the base (dense checkpoint or
 * quantized artifact) and the optional PEFT adapter.
 */
public final class ModelOptions {
  @Mixin ModelDir model;

  @Option(names = "--adapter", description = "PEFT adapter directory")
  Path adapter;

  @Option(
      names = "--quant",
      defaultValue = "none",
      completionCandidates = SpecFlags.QuantTypes.class,
      description =
          "dense linears kept as ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; a quantized"
              + " artifact loads as stored)")
  String quant;

  /** The model with the adapter applied. */
  public LlamaModel load() throws IOException {
    LlamaModel m = LlamaLoader.load(model.path(), LoadOptions.cpu(LoadOptions.Quant.parse(quant)));
    if (adapter != null) {
      try {
        PeftAdapter.load(adapter, m);
      } catch (IOException | RuntimeException e) {
        m.close();
        throw e;
      }
    }
    return m;
  }

  /** The model directory's tokenizer. */
  public TextTokenizer tokenizer(LlamaModel m) throws IOException {
    return TextTokenizer.load(model.path(), m.config());
  }
}
