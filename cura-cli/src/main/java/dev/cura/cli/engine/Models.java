package dev.cura.cli.engine;

import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.peft.PeftAdapter;
import java.io.IOException;
import java.nio.file.Path;

/** Loads a base model (dense or quantized artifact) and an optional PEFT adapter. */
public final class Models {
  private Models() {}

  public static LlamaModel load(Path model, String quant, Path adapter) throws IOException {
    LlamaModel m = LlamaLoader.load(model, LoadOptions.cpu(LoadOptions.Quant.parse(quant)));
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
}
