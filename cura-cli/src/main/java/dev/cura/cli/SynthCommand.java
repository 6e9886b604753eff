package dev.cura.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.cli.engine.Archs;
import dev.cura.cli.engine.CliErrors;
import dev.cura.cli.quant.Progress;
import dev.cura.cli.quant.ProgressOption;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.synth.LlamaShape;
import dev.cura.core.synth.SyntheticCheckpoint;
import dev.cura.core.util.FileTrees;
import dev.cura.engine.model.FamilyPresets;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.SyntheticTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./cura synth [--arch FAMILY] (--params 10B | --tiny) --out DIR}: a random bf16 checkpoint
 * (weights ~ N(0, 0.02²)), written streaming, deterministic from {@code --seed}. With {@code
 * --arch} it has the family's real config fields and tensor names (the published shape nearest
 * {@code --params}, or a tiny one for tests) and a word-level tokenizer, so it can be trained.
 */
@Command(
    name = "synth",
    description = {
      "Writes a random bf16 checkpoint of a given size (for benchmarks and tests).",
      "--arch FAMILY writes that family's real config fields and tensor names: the published shape nearest --params (e.g. llama3 8B = Llama-3-8B),"
          + " or a tiny one with --tiny; plus a word-level tokenizer (words t0 t1 ...)."
    })
public final class SynthCommand implements Callable<Integer> {
  @Option(names = "--params", description = "size, e.g. 1B, 8B, 500M")
  String params;

  @Option(
      names = "--arch",
      completionCandidates = Archs.class,
      description = "${COMPLETION-CANDIDATES}")
  String arch;

  @Option(names = "--tiny", description = "a tiny model of --arch (for tests)")
  boolean tiny;

  @Option(names = "--out", required = true, description = "output directory (must not exist)")
  Path out;

  @Option(names = "--seed", defaultValue = "0", description = "RNG seed (default ${DEFAULT-VALUE})")
  long seed;

  @Mixin ProgressOption output;

  @Override
  public Integer call() {
    List<TensorSpec> specs;
    ObjectNode config;
    float normInit = 1f;
    LlamaConfig family = null;
    String what;
    try {
      if ((params == null) == !tiny) {
        throw new IllegalArgumentException("give exactly one of --params and --tiny");
      }
      if (arch != null) {
        family =
            tiny
                ? FamilyPresets.tiny(arch)
                : FamilyPresets.forParams(arch, LlamaShape.parseParams(params));
        specs = FamilyPresets.tensors(family);
        config = FamilyPresets.configJson(family);
        normInit = FamilyPresets.normInit(family);
        what =
            String.format(
                "%s (%s): %,d params (hidden %d, %d layers, %d/%d heads, head_dim %d,"
                    + " intermediate %d, vocab %d%s)",
                arch,
                family.modelType(),
                FamilyPresets.params(family),
                family.hidden(),
                family.layers(),
                family.heads(),
                family.kvHeads(),
                family.headDim(),
                family.intermediate(),
                family.vocabSize(),
                family.tieWordEmbeddings() ? ", tied" : "");
      } else {
        if (tiny) {
          throw new IllegalArgumentException("--tiny needs --arch");
        }
        LlamaShape shape = LlamaShape.forParams(LlamaShape.parseParams(params));
        specs = SyntheticCheckpoint.specs(shape);
        config = SyntheticCheckpoint.config(shape);
        what =
            String.format(
                "%,d params (hidden %d, %d layers, %d/%d heads, intermediate %d, vocab %d)",
                shape.params(),
                shape.hidden(),
                shape.layers(),
                shape.heads(),
                shape.kvHeads(),
                shape.intermediate(),
                shape.vocab());
      }
    } catch (IllegalArgumentException e) {
      return CliErrors.usage("synth", e.getMessage());
    }
    if (Files.exists(out)) {
      return CliErrors.usage("synth", out + " already exists; choose a new directory");
    }
    long bytes = specs.stream().mapToLong(TensorSpec::byteSize).sum();
    if (!output.quiet()) {
      System.err.printf("synth: %s, %.2f GB bf16%n", what, bytes / 1e9);
    }
    try (Progress p = output.progress("synth")) {
      p.start(bytes);
      SyntheticCheckpoint.write(specs, config, normInit, seed, out, p::update);
      if (family != null) {
        SyntheticTokenizer.write(out, family);
      }
    } catch (IOException e) {
      System.err.println("cura synth: failed: " + e.getMessage());
      FileTrees.deleteQuietly(out);
      return 1;
    }
    if (!output.quiet()) {
      System.out.println(out.toAbsolutePath());
    }
    return 0;
  }
}
