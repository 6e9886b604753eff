package dev.cura.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.cli.engine.CliErrors;
import dev.cura.cli.quant.Progress;
import dev.cura.cli.quant.ProgressOption;
import dev.cura.core.tensor.DType;
import dev.cura.engine.data.TextTokenizer;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LoadOptions;
import dev.cura.tools.pretrain.PackedCorpus;
import dev.cura.tools.pretrain.PretrainOutput;
import dev.cura.tools.pretrain.PretrainSettings;
import dev.cura.tools.pretrain.PretrainState;
import dev.cura.tools.pretrain.Pretrainer;
import dev.cura.tools.pretrain.TrainableLlama;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./cura pretrain}: full-parameter training of a small Llama base model from random init on
 * a plain-text corpus (documents separated by blank lines), writing a Hugging Face directory. Used
 * by {@code models/cura-tiny/recipe/build.sh} to build the bundled base model.
 */
@Command(
    name = "pretrain",
    description =
        "Full-parameter training of a small base model from random init (builds models/cura-tiny).")
public final class PretrainCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--config", required = true, description = "HF config.json of the model to train")
  Path config;

  @Option(names = "--corpus", required = true, description = "text file, blank-line-separated docs")
  Path corpus;

  @Option(names = "--tokenizer", required = true, description = "directory with tokenizer.json")
  Path tokenizer;

  @Option(names = "--out", required = true, description = "output HF directory (files replaced)")
  Path out;

  @Option(
      names = "--steps",
      defaultValue = "3000",
      description = "optimizer steps (${DEFAULT-VALUE})")
  int steps;

  @Option(
      names = "--batch-size",
      defaultValue = "16",
      description = "windows per step (${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--seq-len",
      defaultValue = "256",
      description = "tokens per window (${DEFAULT-VALUE})")
  int seqLen;

  @Option(
      names = "--lr",
      defaultValue = "2e-3",
      description = "peak learning rate (${DEFAULT-VALUE})")
  double lr;

  @Option(
      names = "--min-lr-ratio",
      defaultValue = "0.1",
      description = "final lr / peak (${DEFAULT-VALUE})")
  double minLrRatio;

  @Option(
      names = "--warmup",
      defaultValue = "100",
      description = "warm-up steps (${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = "--weight-decay",
      defaultValue = "0.1",
      description = "AdamW weight decay (${DEFAULT-VALUE})")
  double weightDecay;

  @Option(
      names = "--clip",
      defaultValue = "1.0",
      description = "gradient-norm clip, 0 = none (${DEFAULT-VALUE})")
  double clip;

  @Option(names = "--init-std", defaultValue = "0.02", description = "init σ (${DEFAULT-VALUE})")
  double initStd;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "init and sampling seed (${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--eval-every",
      defaultValue = "100",
      description = "held-out loss every n steps (${DEFAULT-VALUE})")
  int evalEvery;

  @Option(
      names = "--eval-windows",
      defaultValue = "32",
      description = "held-out windows (${DEFAULT-VALUE})")
  int evalWindows;

  @Option(
      names = "--held-out-every",
      defaultValue = "50",
      description = "every n-th document is held out (${DEFAULT-VALUE})")
  int heldOutEvery;

  @Option(
      names = "--save-every",
      defaultValue = "200",
      description = "write the model every n steps, 0 = at the end only (${DEFAULT-VALUE})")
  int saveEvery;

  @Option(
      names = "--max-minutes",
      defaultValue = "0",
      description = "stop (and save) after this wall time, 0 = no limit")
  double maxMinutes;

  @Option(
      names = "--stop-after",
      defaultValue = "0",
      description = "stop (and save) after this step, keeping the --steps schedule; 0 = all")
  int stopAfter;

  @Option(
      names = "--dtype",
      defaultValue = "bf16",
      description = "stored weights: bf16, f16 or f32 (${DEFAULT-VALUE})")
  String dtype;

  @Option(
      names = "--copy-fraction",
      defaultValue = "0",
      description =
          "share of training windows made copy exercises: spans of the window repeated later in"
              + " it, to teach in-context copying (${DEFAULT-VALUE})")
  double copyFraction;

  @Option(
      names = "--init-from",
      paramLabel = "DIR",
      description =
          "start from this model directory's weights instead of a random init (continued"
              + " pretraining; its config must be --config's)")
  Path initFrom;

  @Mixin ProgressOption output;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description =
          "write the full training state (f32 weights, optimizer moments, step, history) here at"
              + " every --save-every checkpoint, so the run can be resumed")
  Path stateDir;

  @Option(
      names = "--resume",
      description =
          "continue from the state in --state (same settings; only --stop-after, --max-minutes"
              + " and the eval/save intervals may change); starts fresh when there is none yet")
  boolean resume;

  @Override
  public Integer call() {
    PretrainSettings settings;
    LlamaConfig cfg;
    ObjectNode configJson;
    DType storeAs;
    try {
      settings =
          new PretrainSettings(
              steps,
              batch,
              seqLen,
              lr,
              minLrRatio,
              warmup,
              weightDecay,
              clip,
              seed,
              evalEvery,
              evalWindows,
              saveEvery,
              maxMinutes,
              stopAfter,
              copyFraction);
      storeAs =
          switch (dtype.toLowerCase(Locale.ROOT)) {
            case "bf16", "bfloat16" -> DType.BF16;
            case "f16", "float16" -> DType.F16;
            case "f32", "float32" -> DType.F32;
            default ->
                throw new IllegalArgumentException(
                    "--dtype must be bf16, f16 or f32, got " + dtype);
          };
      if (!Files.isRegularFile(config)) {
        throw new IllegalArgumentException("--config: expected a config.json file, got " + config);
      }
      JsonNode node = JSON.readTree(config.toFile());
      if (!(node instanceof ObjectNode obj)) {
        throw new IllegalArgumentException("--config: expected a JSON object in " + config);
      }
      configJson = obj;
      cfg = LlamaConfig.parse(node, config.toString());
      if (resume && stateDir == null) {
        throw new IllegalArgumentException("--resume needs --state DIR");
      }
      if (seqLen > cfg.maxPositions()) {
        throw new IllegalArgumentException(
            "--seq-len " + seqLen + " exceeds max_position_embeddings " + cfg.maxPositions());
      }
    } catch (IllegalArgumentException | IOException e) {
      return CliErrors.usage("pretrain", e.getMessage());
    }
    try (TextTokenizer tok = TextTokenizer.load(tokenizer, cfg);
        NDManager root = NDManager.newBaseManager()) {
      log("tokenizing " + corpus + " ...");
      PackedCorpus data = PackedCorpus.read(corpus, tok, heldOutEvery, n -> {});
      log(
          String.format(
              Locale.ROOT,
              "corpus: %,d documents, %,d training tokens, %,d held-out tokens",
              data.documents(),
              data.trainTokens(),
              data.heldOutTokens()));
      TrainableLlama model =
          initFrom == null ? TrainableLlama.init(cfg, initStd, seed) : start(cfg);
      PretrainState state = null;
      if (resume && PretrainState.exists(stateDir)) {
        state = PretrainState.load(stateDir, settings);
        log(
            String.format(
                Locale.ROOT,
                "resuming from %s: step %d, %,d tokens, %.0f s so far",
                stateDir,
                state.step(),
                state.tokens(),
                state.seconds()));
      }
      log(
          String.format(
              Locale.ROOT,
              "model: %,d parameters; %d steps × %d × %d tokens = %,d tokens",
              model.parameterCount(),
              steps,
              batch,
              seqLen,
              (long) steps * batch * seqLen));
      Map<String, Object> info = new LinkedHashMap<>();
      info.put(
          "corpus",
          Map.of(
              "file", corpus.getFileName().toString(),
              "documents", data.documents(),
              "train_tokens", data.trainTokens(),
              "heldout_tokens", data.heldOutTokens(),
              "heldout_every", heldOutEvery));
      info.put(
          "machine",
          Map.of(
              "cpus",
              Runtime.getRuntime().availableProcessors(),
              "os",
              System.getProperty("os.name") + " " + System.getProperty("os.arch")));
      if (initFrom != null) {
        info.put("init_from", initFrom.toString());
      }
      info.put("started", Instant.now().toString());
      Pretrainer.Result result;
      try (StepDisplay display = new StepDisplay(steps, output.quiet())) {
        result =
            Pretrainer.run(
                model,
                data,
                settings,
                new Pretrainer.Listener() {
                  @Override
                  public void onStep(Pretrainer.StepStats s) {
                    display.step(s);
                  }

                  @Override
                  public void onEval(Pretrainer.EvalPoint e) {
                    display.message(
                        String.format(
                                Locale.ROOT,
                                "step %d: held-out loss %.4f (ppl %.1f)",
                                e.step(),
                                e.loss(),
                                Math.exp(e.loss()))
                            + (e.copyLoss() == null
                                ? ""
                                : String.format(Locale.ROOT, ", copy probe %.3f", e.copyLoss())));
                  }

                  @Override
                  public void checkpoint(long step, TrainableLlama m, Pretrainer.Result soFar) {
                    try {
                      PretrainOutput.write(
                          out, m, configJson, storeAs, tokenizer, settings, soFar, info);
                      display.message("step " + step + ": wrote " + out);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  }
                },
                root,
                stateDir,
                state);
      }
      model.close();
      System.out.printf(
          Locale.ROOT,
          "pretrained %d steps (%,d tokens) in %.0f s%s → %s%n",
          result.steps().size(),
          result.tokensSeen(),
          result.seconds(),
          result.stoppedEarly() ? " (stopped early, of " + steps + " scheduled)" : "",
          out.toAbsolutePath());
      if (!result.evals().isEmpty()) {
        System.out.printf(
            Locale.ROOT,
            "held-out loss %.4f%n",
            result.evals().get(result.evals().size() - 1).loss());
      }
      return 0;
    } catch (IllegalArgumentException e) {
      return CliErrors.usage("pretrain", e.getMessage());
    } catch (IOException | RuntimeException e) {
      System.err.println("cura pretrain: failed: " + e);
      return 1;
    }
  }

  private void log(String s) {
    if (!output.quiet()) {
      System.err.println(s);
    }
  }

  /** A progress bar with loss and tokens/s on a terminal; a line every 10 steps otherwise. */
  static final class StepDisplay implements AutoCloseable {
    private final ProgressBar bar;
    private final boolean quiet;

    StepDisplay(int steps, boolean quiet) {
      this.quiet = quiet;
      this.bar = quiet || System.console() == null ? null : Progress.bar("pretrain", steps).build();
    }

    void step(Pretrainer.StepStats s) {
      String msg =
          String.format(
              Locale.ROOT,
              "loss %.3f · lr %.2e · %,.0f tok/s",
              s.loss(),
              s.lr(),
              s.tokensPerSecond());
      if (bar != null) {
        bar.stepTo(s.step());
        bar.setExtraMessage(msg);
      } else if (!quiet && (s.step() % 10 == 0 || s.step() == 1)) {
        System.err.printf(Locale.ROOT, "step %d: %s · %.0f s%n", s.step(), msg, s.elapsedSeconds());
      }
    }

    void message(String line) {
      if (quiet) {
        return;
      }
      if (bar != null) {
        bar.pause();
        System.err.println();
        System.err.println(line);
        bar.resume();
      } else {
        System.err.println(line);
      }
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }

  /** The weights of {@code --init-from}, checked to be a model of {@code --config}'s shape. */
  private TrainableLlama start(LlamaConfig cfg) throws IOException {
    LlamaConfig from = LlamaConfig.read(initFrom);
    if (!from.equals(cfg)) {
      throw new IllegalArgumentException(
          "--init-from " + initFrom + " holds a different model than --config " + config);
    }
    log("starting from the weights in " + initFrom);
    return TrainableLlama.of(LlamaLoader.load(initFrom, LoadOptions.cpu(LoadOptions.Quant.NONE)));
  }
}
