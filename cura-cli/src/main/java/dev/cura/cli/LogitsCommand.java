package dev.cura.cli;

import ai.djl.ndarray.NDManager;
import dev.cura.cli.engine.CliErrors;
import dev.cura.cli.engine.ModelOptions;
import dev.cura.core.safetensors.SafetensorsWriter;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import dev.cura.engine.model.LlamaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./cura logits}: One forward pass; writes tensor "logits" F32 [T, vocab]. */
@Command(
    name = "logits",
    description =
        "One forward pass; writes tensor \"logits\" F32 [T, vocab] to a safetensors file.")
public final class LogitsCommand implements Callable<Integer> {
  @Mixin ModelOptions base;

  @Option(names = "--ids", required = true, description = "token ids, e.g. 1,2,3")
  String ids;

  @Option(names = "--out", required = true)
  Path out;

  @Override
  public Integer call() {
    return CliErrors.run(
        "logits",
        () -> {
          long[] tokens = CliErrors.ids(ids);
          try (LlamaModel m = base.load();
              NDManager nd = NDManager.newBaseManager()) {
            int v = m.config().vocabSize();
            for (long t : tokens) {
              if (t < 0 || t >= v) {
                throw new IllegalArgumentException("token id must be in [0, " + v + "), got " + t);
              }
            }
            float[] logits = m.logits(tokens, nd);
            Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
            if (out.toAbsolutePath().getParent() != null) {
              Files.createDirectories(out.toAbsolutePath().getParent());
            }
            try (SafetensorsWriter w =
                SafetensorsWriter.create(
                    tmp,
                    List.of(new TensorSpec("logits", DType.F32, new long[] {tokens.length, v})),
                    Map.of("format", "pt"))) {
              w.writeFloats("logits", logits);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("logits [" + tokens.length + ", " + v + "] → " + out);
          }
          return 0;
        });
  }
}
