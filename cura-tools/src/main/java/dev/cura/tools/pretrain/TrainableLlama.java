package dev.cura.tools.pretrain;

import dev.cura.engine.model.CheckpointWriter;
import dev.cura.engine.model.InMemoryWeights;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraParams;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The engine's {@link LlamaModel} in full-parameter mode ({@link LlamaModel#trainAllParameters}):
 * the model that pretraining trains, with its trainable tensors in transformers' names and order.
 * There is no second forward: pretraining, QLoRA training and inference all run {@code LlamaModel}.
 *
 * @param model dense, float32 on the CPU
 * @param params every weight, a trainable leaf
 */
public record TrainableLlama(LlamaModel model, List<LoraParams.Param> params)
    implements AutoCloseable {

  /** A loaded or built model switched to full-parameter mode. */
  public static TrainableLlama of(LlamaModel model) {
    return new TrainableLlama(model, model.trainAllParameters());
  }

  /**
   * Random init as transformers' Llama (normal(0, σ) for embeddings and linears, ones for norms),
   * with GPT-2's scaled residual init (σ/√(2L) for o_proj and down_proj, the two writes into the
   * residual stream), which keeps the residual variance flat in depth at initialization. Values are
   * drawn in transformers' parameter order from one RNG seeded with {@code seed}.
   */
  public static TrainableLlama init(LlamaConfig cfg, double sigma, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double residual = sigma / Math.sqrt(2.0 * cfg.layers());
    InMemoryWeights w = new InMemoryWeights();
    for (Shape s : shapes(cfg)) {
      float[] v = new float[Math.toIntExact(s.size())];
      if (s.dims().length == 1) {
        java.util.Arrays.fill(v, 1f);
      } else {
        boolean res = s.name().endsWith("o_proj.weight") || s.name().endsWith("down_proj.weight");
        double sd = res ? residual : sigma;
        for (int j = 0; j < v.length; j++) {
          v[j] = (float) (rng.nextGaussian() * sd);
        }
      }
      w.putF32(s.name(), v, s.dims());
    }
    return of(LlamaLoader.build(cfg, w, LoadOptions.cpu(LoadOptions.Quant.NONE)));
  }

  /** A tensor of the parameter list: transformers name and dimensions. */
  record Shape(String name, long... dims) {
    long size() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return n;
    }
  }

  /** The parameters of {@code cfg} in transformers' names and order (lm_head only if untied). */
  static List<Shape> shapes(LlamaConfig cfg) {
    long c = cfg.hidden(), i = cfg.intermediate(), v = cfg.vocabSize();
    long q = (long) cfg.heads() * cfg.headDim(), kv = (long) cfg.kvHeads() * cfg.headDim();
    List<Shape> s = new ArrayList<>();
    s.add(new Shape("model.embed_tokens.weight", v, c));
    for (int l = 0; l < cfg.layers(); l++) {
      String p = "model.layers." + l + ".";
      s.add(new Shape(p + "input_layernorm.weight", c));
      s.add(new Shape(p + "self_attn.q_proj.weight", q, c));
      s.add(new Shape(p + "self_attn.k_proj.weight", kv, c));
      s.add(new Shape(p + "self_attn.v_proj.weight", kv, c));
      s.add(new Shape(p + "self_attn.o_proj.weight", c, q));
      s.add(new Shape(p + "post_attention_layernorm.weight", c));
      s.add(new Shape(p + "mlp.gate_proj.weight", i, c));
      s.add(new Shape(p + "mlp.up_proj.weight", i, c));
      s.add(new Shape(p + "mlp.down_proj.weight", c, i));
    }
    s.add(new Shape("model.norm.weight", c));
    if (!cfg.tieWordEmbeddings()) {
      s.add(new Shape("lm_head.weight", v, c));
    }
    return s;
  }

  public LlamaConfig config() {
    return model.config();
  }

  /** Number of trainable scalars. */
  public long parameterCount() {
    long n = 0;
    for (LoraParams.Param p : params) {
      n += p.value().getShape().size();
    }
    return n;
  }

  /** The current weights as checkpoint entries, for {@link CheckpointWriter}. */
  public List<CheckpointWriter.Entry> entries() {
    List<CheckpointWriter.Entry> out = new ArrayList<>();
    for (LoraParams.Param p : params) {
      out.add(
          new CheckpointWriter.Entry(
              p.name(), p.value().toFloatArray(), p.value().getShape().getShape()));
    }
    return out;
  }

  @Override
  public void close() {
    model.close();
  }
}
