package dev.cura.engine.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.cura.engine.model.CheckpointWriter;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.Rope;
import dev.cura.engine.nn.Nd;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A Llama causal LM whose every weight is trainable (float32, CPU), for full-parameter pretraining
 * of small base models. The engine's {@code LlamaModel} keeps its base weights frozen by design
 * (QLoRA), so pretraining owns its weights here and runs plain libtorch autograd over all of them;
 * the model is small enough that no gradient checkpointing is needed.
 *
 * <p>The forward is transformers' LlamaForCausalLM (pre-norm RMSNorm, RoPE rotate-half, grouped
 * query attention, SwiGLU MLP, tied or untied lm_head), the same math as {@code DecoderLayer};
 * {@code PretrainModelTest} checks that its logits equal {@code LlamaModel}'s on the exported
 * weights. B = batch, T = sequence, C = hidden, V = vocabulary.
 *
 * <p>Parameters are kept in a flat list in transformers' naming and order; {@link #replace} swaps
 * in updated values after an optimizer step (fresh leaves, so no in-place op on a leaf).
 */
public final class PretrainModel implements AutoCloseable {
  /** One trainable tensor: transformers name, shape, and whether weight decay applies (2-D). */
  public record Spec(String name, long[] shape) {
    public boolean decays() {
      return shape.length == 2;
    }

    public int size() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return Math.toIntExact(n);
    }
  }

  private static final int PER_LAYER = 9;

  private final LlamaConfig cfg;
  private final NDManager manager;
  private final List<Spec> specs;
  private final NDArray[] params;

  private PretrainModel(LlamaConfig cfg, NDManager manager, List<Spec> specs, float[][] values) {
    this.cfg = cfg;
    this.manager = manager;
    this.specs = List.copyOf(specs);
    this.params = new NDArray[specs.size()];
    for (int i = 0; i < params.length; i++) {
      params[i] = leaf(values[i], specs.get(i).shape());
    }
  }

  /** The parameter list of {@code cfg} in transformers' names and order. */
  public static List<Spec> specs(LlamaConfig cfg) {
    long c = cfg.hidden(), i = cfg.intermediate(), v = cfg.vocabSize();
    long qOut = (long) cfg.heads() * cfg.headDim(), kvOut = (long) cfg.kvHeads() * cfg.headDim();
    List<Spec> s = new ArrayList<>();
    s.add(new Spec("model.embed_tokens.weight", new long[] {v, c}));
    for (int l = 0; l < cfg.layers(); l++) {
      String p = "model.layers." + l + ".";
      s.add(new Spec(p + "input_layernorm.weight", new long[] {c}));
      s.add(new Spec(p + "self_attn.q_proj.weight", new long[] {qOut, c}));
      s.add(new Spec(p + "self_attn.k_proj.weight", new long[] {kvOut, c}));
      s.add(new Spec(p + "self_attn.v_proj.weight", new long[] {kvOut, c}));
      s.add(new Spec(p + "self_attn.o_proj.weight", new long[] {c, qOut}));
      s.add(new Spec(p + "post_attention_layernorm.weight", new long[] {c}));
      s.add(new Spec(p + "mlp.gate_proj.weight", new long[] {i, c}));
      s.add(new Spec(p + "mlp.up_proj.weight", new long[] {i, c}));
      s.add(new Spec(p + "mlp.down_proj.weight", new long[] {c, i}));
    }
    s.add(new Spec("model.norm.weight", new long[] {c}));
    if (!cfg.tieWordEmbeddings()) {
      s.add(new Spec("lm_head.weight", new long[] {v, c}));
    }
    return s;
  }

  /**
   * Random init as transformers' Llama (normal(0, σ) for embeddings and linears, ones for norms),
   * with GPT-2's scaled residual init (σ/√(2L) for o_proj and down_proj, the two writes into the
   * residual stream), which keeps the residual variance flat in depth at initialization.
   */
  public static PretrainModel init(LlamaConfig cfg, double sigma, long seed, NDManager parent) {
    List<Spec> specs = specs(cfg);
    SplittableRandom rng = new SplittableRandom(seed);
    float[][] values = new float[specs.size()][];
    double residual = sigma / Math.sqrt(2.0 * cfg.layers());
    for (int k = 0; k < specs.size(); k++) {
      Spec s = specs.get(k);
      float[] v = new float[s.size()];
      if (s.shape().length == 1) {
        java.util.Arrays.fill(v, 1f);
      } else {
        boolean res = s.name().endsWith("o_proj.weight") || s.name().endsWith("down_proj.weight");
        double sd = res ? residual : sigma;
        for (int j = 0; j < v.length; j++) {
          v[j] = (float) (rng.nextGaussian() * sd);
        }
      }
      values[k] = v;
    }
    return new PretrainModel(cfg, parent.newSubManager(), specs, values);
  }

  /** A model from given values (same order as {@link #specs}). */
  public static PretrainModel of(LlamaConfig cfg, float[][] values, NDManager parent) {
    List<Spec> specs = specs(cfg);
    if (values.length != specs.size()) {
      throw new IllegalArgumentException(
          "expected " + specs.size() + " parameter tensors, got " + values.length);
    }
    for (int k = 0; k < values.length; k++) {
      if (values[k].length != specs.get(k).size()) {
        throw new IllegalArgumentException(
            specs.get(k).name()
                + ": expected "
                + specs.get(k).size()
                + " values, got "
                + values[k].length);
      }
    }
    return new PretrainModel(cfg, parent.newSubManager(), specs, values);
  }

  public LlamaConfig config() {
    return cfg;
  }

  public List<Spec> specs() {
    return specs;
  }

  /** Number of trainable scalars. */
  public long parameterCount() {
    long n = 0;
    for (Spec s : specs) {
      n += s.size();
    }
    return n;
  }

  /** Current values of parameter k. */
  public float[] values(int k) {
    return params[k].toFloatArray();
  }

  /** ∂loss/∂parameter k accumulated by the last backward (zeros when none reached it). */
  public float[] gradient(int k) {
    NDArray g = params[k].getGradient();
    try {
      return g.toFloatArray();
    } finally {
      g.close();
    }
  }

  /** Replaces parameter k by new values (a fresh leaf with no gradient). */
  public void replace(int k, float[] values) {
    NDArray old = params[k];
    params[k] = leaf(values, specs.get(k).shape());
    old.close();
  }

  /** All parameters as checkpoint entries (transformers names), for {@link CheckpointWriter}. */
  public List<CheckpointWriter.Entry> entries() {
    List<CheckpointWriter.Entry> out = new ArrayList<>();
    for (int k = 0; k < specs.size(); k++) {
      out.add(new CheckpointWriter.Entry(specs.get(k).name(), values(k), specs.get(k).shape()));
    }
    return out;
  }

  /** ids [B, T] int64 → logits [B, T, V] float32, recorded for autograd when grad mode is on. */
  public NDArray forward(NDArray ids, NDManager m) {
    Shape s = ids.getShape();
    long b = s.get(0), t = s.get(1);
    var rope = Rope.create(m, (int) t, cfg.headDim(), cfg.ropeTheta());
    NDArray mask = causalMask((int) t, m);
    NDArray embed = params[0]; // [V, C]
    NDArray h = Nd.own(m, embed.get(ids)); // [B, T, C]
    for (int l = 0; l < cfg.layers(); l++) {
      h = layer(h, 1 + l * PER_LAYER, rope.get(0), rope.get(1), mask, m);
    }
    int normIdx = 1 + cfg.layers() * PER_LAYER;
    NDArray head = cfg.tieWordEmbeddings() ? embed : params[normIdx + 1]; // [V, C]
    NDArray normed = rmsNorm(h, params[normIdx]).reshape(b * t, cfg.hidden());
    NDArray logits = normed.matMul(Nd.own(m, head.transpose())); // [B·T, V]
    return logits.reshape(b, t, cfg.vocabSize());
  }

  /** One pre-norm decoder layer; {@code p} indexes its input_layernorm. x [B, T, C]. */
  private NDArray layer(NDArray x, int p, NDArray cos, NDArray sin, NDArray mask, NDManager m) {
    Shape s = x.getShape();
    long b = s.get(0), t = s.get(1), c = s.get(2);
    int heads = cfg.heads(), kv = cfg.kvHeads(), d = cfg.headDim(), g = cfg.groupSize();
    NDArray n1 = rmsNorm(x, params[p]).reshape(b * t, c);
    NDArray q = linear(n1, p + 1, m).reshape(b, t, heads, d).transpose(0, 2, 1, 3);
    NDArray k = linear(n1, p + 2, m).reshape(b, t, kv, d).transpose(0, 2, 1, 3);
    NDArray v = linear(n1, p + 3, m).reshape(b, t, kv, d).transpose(0, 2, 1, 3);
    q = Rope.apply(q, cos, sin); // [B, H, T, d]
    k = Rope.apply(k, cos, sin); // [B, kv, T, d]
    // the g query heads of one kv head side by side: [B, kv, g·T, d]·[B, kv, d, T]
    NDArray scores =
        dev.cura.engine.nn.Nd.mul(
                q.reshape(b, kv, g * t, d).matMul(k.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(d))
            .reshape(b, kv, g, t, t);
    NDArray probs = scores.add(mask).softmax(-1); // [B, kv, g, T, T]
    NDArray ctx = probs.reshape(b, kv, g * t, t).matMul(v).reshape(b, heads, t, d);
    NDArray attn = ctx.transpose(0, 2, 1, 3).reshape(b * t, (long) heads * d);
    NDArray h = x.add(linear(attn, p + 4, m).reshape(b, t, c));
    NDArray n2 = rmsNorm(h, params[p + 5]).reshape(b * t, c);
    NDArray gate = linear(n2, p + 6, m);
    NDArray act = gate.mul(Activation.sigmoid(gate)).mul(linear(n2, p + 7, m));
    return h.add(linear(act, p + 8, m).reshape(b, t, c));
  }

  /** x [N, in] · Wᵀ, W = parameter k [out, in]. */
  private NDArray linear(NDArray x, int k, NDManager m) {
    return x.matMul(Nd.own(m, params[k].transpose()));
  }

  /** x·rsqrt(mean(x²) + ε)·w over the last axis (float32 throughout). */
  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray variance = x.square().mean(new int[] {-1}, true);
    return x.div(variance.add(cfg.rmsNormEps()).sqrt()).mul(weight);
  }

  private static NDArray causalMask(int t, NDManager m) {
    float[] mask = new float[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        mask[i * t + j] = Float.NEGATIVE_INFINITY;
      }
    }
    return m.create(mask, new Shape(t, t));
  }

  private NDArray leaf(float[] values, long[] shape) {
    NDArray a = manager.create(values, new Shape(shape));
    a.setRequiresGradient(true);
    return a;
  }

  @Override
  public void close() {
    manager.close();
  }
}
