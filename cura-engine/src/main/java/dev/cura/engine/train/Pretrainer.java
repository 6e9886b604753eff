package dev.cura.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cura.core.tensor.DType;
import dev.cura.engine.data.TextTokenizer;
import dev.cura.engine.model.CheckpointWriter;
import dev.cura.engine.model.InMemoryWeights;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.optim.AdamW32;
import dev.cura.engine.optim.AdamWConfig;
import dev.cura.engine.optim.HeapStates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Full-parameter training of a small Llama from scratch on a text corpus (used to build the bundled
 * base model): every tensor trainable, plain recorded forward (no checkpointing — small models),
 * AdamW (weight decay 0.1 on 2-D weights is not distinguished: one decay for all), global-norm
 * clipping 1.0, linear warmup then cosine-free constant LR. Windows of {@code seqLen} tokens are
 * drawn from the tokenized corpus (documents separated by EOS) at offsets from a seeded RNG.
 */
public final class Pretrainer {
  private Pretrainer() {}

  /**
   * Settings.
   *
   * @param config architecture
   * @param tokenizerDir directory holding tokenizer.json (+ tokenizer_config.json)
   * @param corpus UTF-8 text; blank lines separate documents
   * @param out output HF checkpoint directory
   * @param steps optimizer steps
   * @param batchSize windows per step
   * @param seqLen tokens per window
   * @param lr peak learning rate
   * @param warmup warmup steps
   * @param seed init + sampling seed
   */
  public record Settings(
      LlamaConfig config,
      Path tokenizerDir,
      Path corpus,
      Path out,
      int steps,
      int batchSize,
      int seqLen,
      double lr,
      int warmup,
      long seed) {}

  /** Trains and writes config.json, model.safetensors and the tokenizer files; returns losses. */
  public static List<Double> run(Settings s, TrainingListener listener) throws IOException {
    LlamaConfig cfg = s.config();
    long[] stream;
    try (TextTokenizer tok = TextTokenizer.load(s.tokenizerDir(), cfg)) {
      stream = tokenize(tok, Files.readString(s.corpus(), StandardCharsets.UTF_8));
    }
    if (stream.length < s.seqLen() + 1) {
      throw new IllegalArgumentException(
          "corpus has "
              + stream.length
              + " tokens, fewer than --seq-len + 1 = "
              + (s.seqLen() + 1));
    }
    for (long id : stream) {
      if (id >= cfg.vocabSize()) {
        throw new IllegalArgumentException(
            "tokenizer produced id " + id + " but vocab_size is " + cfg.vocabSize());
      }
    }
    InMemoryWeights init = RandomInit.weights(cfg, s.seed());
    List<Double> losses = new ArrayList<>();
    try (LlamaModel model = LlamaLoader.build(cfg, init, LoadOptions.cpu(LoadOptions.Quant.NONE));
        NDManager root = NDManager.newBaseManager();
        AdamW32 opt =
            new AdamW32(AdamWConfig.BNB_DEFAULTS.withWeightDecay(0.0), new HeapStates())) {
      var tensors = model.makeTrainable();
      List<LoraParams.Param> params = new ArrayList<>();
      tensors.forEach((k, v) -> params.add(new LoraParams.Param(k, v)));
      SplittableRandom rng = new SplittableRandom(s.seed());
      long tokens = 0;
      long t0 = System.nanoTime();
      for (int step = 1; step <= s.steps(); step++) {
        long[] ids = new long[s.batchSize() * s.seqLen()];
        for (int b = 0; b < s.batchSize(); b++) {
          int off = rng.nextInt(stream.length - s.seqLen() + 1);
          System.arraycopy(stream, off, ids, b * s.seqLen(), s.seqLen());
        }
        Batch batch = new Batch(ids, ids.clone(), s.batchSize(), s.seqLen());
        double loss;
        boolean was = Nd.gradMode(true);
        try (NDManager m = root.newSubManager()) {
          NDArray x = m.create(ids, new Shape(s.batchSize(), s.seqLen()));
          NDArray logits = model.forward(x, m, true);
          int n = batch.targetTokens();
          NDArray l = CausalLmLoss.compute(logits, batch, n, m);
          loss = l.getFloat();
          Nd.backward(l, m.ones(l.getShape()));
        } finally {
          Nd.gradMode(was);
        }
        double norm = Trainer.gradNorm(params);
        float scale = norm > 1.0 ? (float) (1.0 / (norm + 1e-6)) : 1f;
        double lr = step <= s.warmup() ? s.lr() * step / s.warmup() : s.lr();
        opt.step(params, lr, scale);
        params.forEach(p -> Nd.zeroGrad(p.value()));
        losses.add(loss);
        tokens += ids.length;
        double secs = (System.nanoTime() - t0) / 1e9;
        listener.onStep(
            new StepMetrics(
                step,
                s.steps(),
                0,
                loss,
                lr,
                norm,
                tokens / secs,
                MemoryStats.peakRssBytes(),
                secs / step * (s.steps() - step)));
        if (listener.isCancelled()) {
          break;
        }
      }
      save(model, s);
    }
    return losses;
  }

  /** Documents (blank-line separated) tokenized and joined with EOS. */
  static long[] tokenize(TextTokenizer tok, String text) {
    List<long[]> parts = new ArrayList<>();
    long total = 0;
    for (String doc : text.split("\\n\\s*\\n")) {
      if (doc.isBlank()) {
        continue;
      }
      long[] ids = tok.encode(doc.strip());
      parts.add(ids);
      total += ids.length + 1;
    }
    long[] out = new long[(int) total];
    int at = 0;
    for (long[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
      out[at++] = Math.max(0, tok.eosId());
    }
    return out;
  }

  private static void save(LlamaModel model, Settings s) throws IOException {
    List<CheckpointWriter.Entry> entries = new ArrayList<>();
    model
        .denseTensors()
        .forEach(
            (name, a) ->
                entries.add(
                    new CheckpointWriter.Entry(name, a.toFloatArray(), a.getShape().getShape())));
    CheckpointWriter.write(s.out(), model.config(), entries, DType.F32, 1);
    for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
      Path src = s.tokenizerDir().resolve(f);
      if (Files.isRegularFile(src)) {
        Files.copy(src, s.out().resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
