package dev.cura.engine.testutil;

import ai.djl.ndarray.types.DataType;
import dev.cura.engine.model.Arch;
import dev.cura.engine.model.CheckpointWriter;
import dev.cura.engine.model.InMemoryWeights;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.nn.LoraLinear;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random Llama weights from a seeded RNG, in transformers' tensor names. */
public final class RandomLlama {
  private RandomLlama() {}

  /**
   * A small Mistral-shaped config (vocab 120, hidden 48, 2 layers, 4 query heads over 1 key/value
   * head of width 16, eps 1e-5) with RoPE base {@code theta} and sliding window {@code window} (0
   * for none).
   */
  /**
   * Gives every linear of {@code model} a rank-2 LoRA branch (scaling 2, no dropout) with A and B
   * uniform in [−0.5, 0.5)·(1, bScale) from {@code rng}, in {@code dtype}: non-zero B, so gradient
   * checks see both factors move the loss.
   */
  public static void randomLora(
      LlamaModel model, SplittableRandom rng, float bScale, DataType dtype) {
    for (LoraLinear l : model.linears()) {
      int r = 2;
      float[] a = new float[r * l.base().inFeatures()];
      float[] b = new float[l.base().outFeatures() * r];
      for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextDouble() - 0.5);
      for (int i = 0; i < b.length; i++) b[i] = (float) (rng.nextDouble() - 0.5) * bScale;
      l.setLora(model.manager(), a, b, r, 2.0, 0.0, dtype);
    }
  }

  public static LlamaConfig smallMistral(double theta, boolean tied, int window) {
    return new LlamaConfig(
        "mistral",
        120,
        48,
        80,
        2,
        4,
        1,
        16,
        1e-5,
        theta,
        tied,
        window,
        1,
        List.of(2),
        512,
        Arch.LLAMA.withFamily("mistral"));
  }

  public static List<CheckpointWriter.Entry> entries(LlamaConfig cfg, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<CheckpointWriter.Entry> out = new ArrayList<>();
    int c = cfg.hidden();
    int q = cfg.heads() * cfg.headDim();
    int kv = cfg.kvHeads() * cfg.headDim();
    out.add(normal(rng, "model.embed_tokens.weight", 1.0, cfg.vocabSize(), c));
    for (int i = 0; i < cfg.layers(); i++) {
      String p = "model.layers." + i + ".";
      out.add(nearOne(rng, p + "input_layernorm.weight", c));
      out.add(normal(rng, p + "self_attn.q_proj.weight", 1 / Math.sqrt(c), q, c));
      out.add(normal(rng, p + "self_attn.k_proj.weight", 1 / Math.sqrt(c), kv, c));
      out.add(normal(rng, p + "self_attn.v_proj.weight", 1 / Math.sqrt(c), kv, c));
      out.add(normal(rng, p + "self_attn.o_proj.weight", 1 / Math.sqrt(q), c, q));
      out.add(nearOne(rng, p + "post_attention_layernorm.weight", c));
      out.add(normal(rng, p + "mlp.gate_proj.weight", 1 / Math.sqrt(c), cfg.intermediate(), c));
      out.add(normal(rng, p + "mlp.up_proj.weight", 1 / Math.sqrt(c), cfg.intermediate(), c));
      out.add(
          normal(
              rng,
              p + "mlp.down_proj.weight",
              1 / Math.sqrt(cfg.intermediate()),
              c,
              cfg.intermediate()));
    }
    out.add(nearOne(rng, "model.norm.weight", c));
    if (!cfg.tieWordEmbeddings()) {
      out.add(normal(rng, "lm_head.weight", 1 / Math.sqrt(c), cfg.vocabSize(), c));
    }
    return out;
  }

  public static InMemoryWeights weights(LlamaConfig cfg, long seed) {
    InMemoryWeights w = new InMemoryWeights();
    for (CheckpointWriter.Entry e : entries(cfg, seed)) {
      w.putF32(e.name(), e.values(), e.shape());
    }
    return w;
  }

  private static CheckpointWriter.Entry normal(
      SplittableRandom rng, String name, double std, int rows, int cols) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (gaussian(rng) * std);
    }
    return new CheckpointWriter.Entry(name, v, new long[] {rows, cols});
  }

  private static CheckpointWriter.Entry nearOne(SplittableRandom rng, String name, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (1 + 0.1 * gaussian(rng));
    }
    return new CheckpointWriter.Entry(name, v, new long[] {n});
  }

  static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble(Double.MIN_VALUE, 1.0);
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
