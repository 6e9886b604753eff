package dev.cura.cli.engine;

import dev.cura.engine.data.TextTokenizer;
import dev.cura.engine.model.LlamaModel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that runs a loaded model ({@code eval}, {@code generate}): it loads the model of {@link
 * ModelOptions} (with the adapter) and its tokenizer, runs {@link #run} and closes both; exit code
 * 0, or a failure reported as {@link CliErrors#run} does.
 */
public abstract class ModelCommand implements Callable<Integer> {
  @Mixin protected ModelOptions base;

  @Spec CommandSpec command;

  /** What the command does with the loaded model and its tokenizer. */
  protected abstract void run(LlamaModel model, TextTokenizer tokenizer) throws Exception;

  @Override
  public Integer call() {
    return CliErrors.run(
        command.name(),
        () -> {
          try (LlamaModel m = base.load();
              TextTokenizer tok = base.tokenizer(m)) {
            run(m, tok);
          }
          return 0;
        });
  }
}
