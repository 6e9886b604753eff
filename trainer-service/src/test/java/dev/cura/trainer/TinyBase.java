package dev.cura.trainer;

import dev.cura.core.quantize.ArtifactKey;
import dev.cura.core.quantize.CheckpointQuantizer;
import dev.cura.core.quantize.QuantizeListener;
import dev.cura.core.quantize.QuantizeSettings;
import dev.cura.core.store.ArtifactStore;
import dev.cura.core.store.DirectoryDigest;
import dev.cura.core.tensor.DType;
import dev.cura.engine.model.CheckpointWriter;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.events.CheckpointQuantized;
import dev.cura.events.ContentRef;
import dev.cura.events.DatasetRef;
import dev.cura.events.FineTuneRequested;
import dev.cura.events.LoraConfig;
import dev.cura.events.OptimizerConfig;
import dev.cura.events.QuantConfig;
import dev.cura.events.QuantErrorStats;
import dev.cura.events.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tiny quantized base in the artifact store, as the quantizer leaves it: a random Llama (vocab
 * 4096 for the bundled cura-tiny tokenizer, hidden 32, 2 layers, 4 heads, 2 KV heads; seeded)
 * written as an HF checkpoint with cura-tiny's tokenizer files, then NF4 + double quantized by
 * cura-core's {@link CheckpointQuantizer} into the store.
 */
public final class TinyBase {
  static final LlamaConfig CONFIG = LlamaConfig.of(4096, 32, 64, 2, 4, 2, false);
  private static final Path TOKENIZER_DIR = Path.of("..", "models", "cura-tiny");

  private TinyBase() {}

  /**
   * The quantized artifact's key in {@code store}, keyed as the quantizer keys its cache ({@link
   * ArtifactKey}: checkpoint hash + settings incl. format version), quantized on first use.
   */
  public static synchronized String put(ArtifactStore store, Path scratch) throws IOException {
    Path src = Files.createTempDirectory(scratch, "tiny-base-");
    CheckpointWriter.write(src, CONFIG, weights(CONFIG, 20261129L), DType.F32, 1);
    for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
      Files.copy(TOKENIZER_DIR.resolve(f), src.resolve(f));
    }
    try {
      QuantizeSettings settings = QuantizeSettings.defaults();
      String key = ArtifactKey.of(DirectoryDigest.of(src), settings);
      store.putIfAbsent(
          key, dir -> CheckpointQuantizer.quantize(src, dir, settings, QuantizeListener.NONE));
      return key;
    } finally {
      dev.cura.core.util.FileTrees.delete(src);
    }
  }

  /**
   * A job of tenant {@code default} on the tiny base ({@code cura-tiny}; NF4, double quant, blocks
   * of 64) that trains on the stored dataset {@code dataSha}.
   */
  public static FineTuneRequested request(
      String job,
      String dataSha,
      LoraConfig lora,
      OptimizerConfig optimizer,
      TrainingConfig training,
      String suffix) {
    return new FineTuneRequested(
        job,
        "default",
        new ContentRef("cura-tiny", "c".repeat(64)),
        List.of(new DatasetRef("file-1", "train", "cas:sha256/" + dataSha, dataSha)),
        lora,
        new QuantConfig("nf4", true, 64),
        optimizer,
        training,
        suffix);
  }

  /**
   * What the quantizer publishes for {@code request} once its base is {@code base} in the store.
   */
  public static CheckpointQuantized quantized(
      ArtifactStore store, String base, FineTuneRequested request) {
    return new CheckpointQuantized(
        request.jobId(),
        base,
        store.uriOf(base),
        4.127,
        new QuantErrorStats(0.01, 0.1, null),
        false,
        request);
  }

  /** Normal(0, 1/√fan_in) linears and embeddings, norms near 1, in transformers' names. */
  private static List<CheckpointWriter.Entry> weights(LlamaConfig c, long seed) {
    var rng = new SplittableRandom(seed);
    var out = new ArrayList<CheckpointWriter.Entry>();
    int h = c.hidden();
    int q = c.heads() * c.headDim();
    int kv = c.kvHeads() * c.headDim();
    out.add(matrix(rng, "model.embed_tokens.weight", c.vocabSize(), h, 1.0));
    for (int i = 0; i < c.layers(); i++) {
      String p = "model.layers." + i + ".";
      out.add(norm(p + "input_layernorm.weight", h));
      out.add(matrix(rng, p + "self_attn.q_proj.weight", q, h, 1 / Math.sqrt(h)));
      out.add(matrix(rng, p + "self_attn.k_proj.weight", kv, h, 1 / Math.sqrt(h)));
      out.add(matrix(rng, p + "self_attn.v_proj.weight", kv, h, 1 / Math.sqrt(h)));
      out.add(matrix(rng, p + "self_attn.o_proj.weight", h, q, 1 / Math.sqrt(q)));
      out.add(norm(p + "post_attention_layernorm.weight", h));
      out.add(matrix(rng, p + "mlp.gate_proj.weight", c.intermediate(), h, 1 / Math.sqrt(h)));
      out.add(matrix(rng, p + "mlp.up_proj.weight", c.intermediate(), h, 1 / Math.sqrt(h)));
      out.add(
          matrix(
              rng,
              p + "mlp.down_proj.weight",
              h,
              c.intermediate(),
              1 / Math.sqrt(c.intermediate())));
    }
    out.add(norm("model.norm.weight", h));
    out.add(matrix(rng, "lm_head.weight", c.vocabSize(), h, 1 / Math.sqrt(h)));
    return out;
  }

  private static CheckpointWriter.Entry matrix(
      SplittableRandom rng, String name, int rows, int cols, double std) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      // Box–Muller
      double u1 = rng.nextDouble(Double.MIN_VALUE, 1.0);
      double u2 = rng.nextDouble();
      v[i] = (float) (std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
    return new CheckpointWriter.Entry(name, v, new long[] {rows, cols});
  }

  private static CheckpointWriter.Entry norm(String name, int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return new CheckpointWriter.Entry(name, v, new long[] {n});
  }
}
