package dev.cura.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.cli.engine.CliErrors;
import dev.cura.cli.engine.TrainProgress;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.train.Pretrainer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./cura pretrain}: full-parameter training of a small base model from scratch. */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description =
        "Full-parameter training of a small Llama from scratch on a text corpus with a given"
            + " tokenizer.json → HF checkpoint (config.json, model.safetensors, tokenizer files).")
public final class PretrainCommand implements Callable<Integer> {
  @Option(
      names = "--tokenizer",
      required = true,
      description = "directory with tokenizer.json (+ tokenizer_config.json)")
  Path tokenizer;

  @Option(
      names = "--corpus",
      required = true,
      description = "UTF-8 text; blank lines separate documents")
  Path corpus;

  @Option(names = "--out", required = true)
  Path out;

  @Option(
      names = "--config",
      description = "config.json giving the architecture (else the size options)")
  Path config;

  @Option(
      names = "--vocab",
      defaultValue = "-1",
      description = "default: tokenizer vocabulary size")
  int vocab;

  @Option(names = "--hidden", defaultValue = "256")
  int hidden;

  @Option(names = "--intermediate", defaultValue = "688")
  int intermediate;

  @Option(names = "--layers", defaultValue = "4")
  int layers;

  @Option(names = "--heads", defaultValue = "4")
  int heads;

  @Option(names = "--kv-heads", defaultValue = "2")
  int kvHeads;

  @Option(names = "--tied", defaultValue = "true", negatable = true)
  boolean tied;

  @Option(names = "--seq-len", defaultValue = "128")
  int seqLen;

  @Option(names = "--batch-size", defaultValue = "8")
  int batchSize;

  @Option(names = "--steps", defaultValue = "1000")
  int steps;

  @Option(names = "--lr", defaultValue = "3e-3")
  double lr;

  @Option(names = "--warmup", defaultValue = "50")
  int warmup;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Override
  public Integer call() {
    return CliErrors.run(
        "pretrain",
        () -> {
          LlamaConfig cfg;
          if (config != null) {
            cfg =
                LlamaConfig.parse(new ObjectMapper().readTree(config.toFile()), config.toString());
          } else {
            int v = vocab > 0 ? vocab : vocabOf(tokenizer.resolve("tokenizer.json"));
            cfg =
                new LlamaConfig(
                    "llama",
                    v,
                    hidden,
                    intermediate,
                    layers,
                    heads,
                    kvHeads,
                    hidden / heads,
                    1e-5,
                    10000,
                    tied,
                    0,
                    1,
                    List.of(2),
                    2048);
          }
          List<Double> losses;
          try (TrainProgress bar = new TrainProgress("pretrain", steps)) {
            losses =
                Pretrainer.run(
                    new Pretrainer.Settings(
                        cfg, tokenizer, corpus, out, steps, batchSize, seqLen, lr, warmup, seed),
                    bar);
          }
          System.out.printf(
              "model: %s%nsteps: %d  first loss: %.4f  last loss: %.4f%n",
              out, losses.size(), losses.get(0), losses.get(losses.size() - 1));
          return 0;
        });
  }

  /** Largest token id in tokenizer.json (model vocab + added tokens) + 1. */
  static int vocabOf(Path tokenizerJson) throws java.io.IOException {
    var t = new ObjectMapper().readTree(tokenizerJson.toFile());
    int max = -1;
    for (var it = t.path("model").path("vocab").fields(); it.hasNext(); ) {
      max = Math.max(max, it.next().getValue().asInt());
    }
    for (var a : t.path("added_tokens")) {
      max = Math.max(max, a.path("id").asInt());
    }
    if (max < 0) {
      throw new IllegalArgumentException(tokenizerJson + ": no vocabulary found; pass --vocab");
    }
    return max + 1;
  }
}
