package dev.cura.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.cura.engine.nn.LoraLinear;
import dev.cura.engine.nn.Nd;
import java.util.List;

/**
 * One Llama decoder layer (pre-norm):
 *
 * <pre>
 * h   = x + o_proj(attn(rope(q_proj(n1)), rope(k_proj(n1)), v_proj(n1)))   n1 = rms(x)·w_in
 * out = h + down_proj(silu(gate_proj(n2)) · up_proj(n2))                     n2 = rms(h)·w_post
 * </pre>
 *
 * Attention is causal, scaled by 1/√d, with grouped-query heads: query head h reads key/value head
 * h / (heads/kvHeads), as transformers' repeat_kv. x, h, out are [B, T, C].
 */
public final class DecoderLayer implements AutoCloseable {
  final NDArray inputNorm; // [C]
  final NDArray postNorm; // [C]
  final LoraLinear q, k, v, o, gate, up, down;
  private final LlamaConfig cfg;

  /** A layer from its parts (see {@link LlamaModel}'s public constructor). */
  public DecoderLayer(
      LlamaConfig cfg,
      NDArray inputNorm,
      NDArray postNorm,
      LoraLinear q,
      LoraLinear k,
      LoraLinear v,
      LoraLinear o,
      LoraLinear gate,
      LoraLinear up,
      LoraLinear down) {
    this.cfg = cfg;
    this.inputNorm = inputNorm;
    this.postNorm = postNorm;
    this.q = q;
    this.k = k;
    this.v = v;
    this.o = o;
    this.gate = gate;
    this.up = up;
    this.down = down;
  }

  /** The seven linears in PEFT order (q, k, v, o, gate, up, down). */
  public List<LoraLinear> linears() {
    return List.of(q, k, v, o, gate, up, down);
  }

  /**
   * x [B, T, C] → [B, T, C]. {@code rope} = {cos, sin} [T, d]; {@code mask} [T, T] additive (0 or
   * −∞).
   *
   * <p>Memory: DJL frees a tensor when its handle is closed, not when the last Java reference goes,
   * so every block below runs in a scope of its own that is closed as soon as its output exists.
   * What autograd saved for the backward stays alive through libtorch's own references; everything
   * else (casts, norms' intermediates, the float32 scores and their masked copy) is freed at once,
   * as PyTorch's reference counting would — the layer's peak is its saved tensors, not its whole
   * forward.
   */
  public NDArray forward(
      NDArray x, NDArray cos, NDArray sin, NDArray mask, NDManager m, boolean training) {
    x = Nd.adopt(m, x); // temporaries derived from x must die with m
    Shape s = x.getShape();
    long b = s.get(0), t = s.get(1), c = s.get(2);
    NDArray h;
    try (NDManager a = m.newSubManager()) {
      h = attention(Nd.adopt(a, x), cos, sin, mask, a, training, b, t, c);
      h.attach(m);
    }
    try (NDManager f = m.newSubManager()) {
      NDArray hf = Nd.adopt(f, h);
      NDArray n2 = rmsNorm(hf, postNorm, cfg.rmsNormEps(), f).reshape(b * t, c);
      NDArray n2l = loraInput(n2, f);
      NDArray gt = gate.forward(n2, n2l, f, training);
      NDArray act = gt.mul(Activation.sigmoid(gt)).mul(up.forward(n2, n2l, f, training));
      NDArray out = hf.add(down.forward(act, loraInput(act, f), f, training).reshape(b, t, c));
      out.attach(m);
      return out;
    }
  }

  /** h = x + o_proj(attention(norm(x))), in scope {@code a}. */
  private NDArray attention(
      NDArray x,
      NDArray cos,
      NDArray sin,
      NDArray mask,
      NDManager a,
      boolean training,
      long b,
      long t,
      long c) {
    int heads = cfg.heads(), kv = cfg.kvHeads(), d = cfg.headDim(), g = cfg.groupSize();
    NDArray n1 = rmsNorm(x, inputNorm, cfg.rmsNormEps(), a).reshape(b * t, c);
    NDArray n1l = loraInput(n1, a);
    NDArray qs = q.forward(n1, n1l, a, training).reshape(b, t, heads, d).transpose(0, 2, 1, 3);
    NDArray ks = k.forward(n1, n1l, a, training).reshape(b, t, kv, d).transpose(0, 2, 1, 3);
    NDArray vs = v.forward(n1, n1l, a, training).reshape(b, t, kv, d).transpose(0, 2, 1, 3);
    qs = Rope.apply(qs, cos, sin); // [B, H, T, d]
    ks = Rope.apply(ks, cos, sin); // [B, kv, T, d]

    // group the g query heads of each kv head: [B, kv, g·T, d] · [B, kv, d, T] → [B, kv, g·T, T]
    NDArray probs;
    try (NDManager p = a.newSubManager()) {
      NDArray qg = Nd.adopt(p, qs).reshape(b, kv, g * t, d);
      NDArray scores =
          Nd.mul(qg.matMul(Nd.adopt(p, ks).transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(d))
              .reshape(b, kv, g, t, t);
      // softmax in float32 (transformers: softmax(..., dtype=float32).to(query dtype))
      probs = Nd.cast(p, Nd.cast(p, scores, upcast(x)).add(mask).softmax(-1), Nd.dtype(x));
      probs.attach(a);
    }
    NDArray ctx = probs.reshape(b, kv, g * t, t).matMul(vs).reshape(b, heads, t, d); // [B, H, T, d]
    NDArray attn = ctx.transpose(0, 2, 1, 3).reshape(b * t, (long) heads * d);
    return x.add(o.forward(attn, loraInput(attn, a), a, training).reshape(b, t, c));
  }

  /**
   * The input of the LoRA branches in their parameters' dtype (float32 master weights), cast once
   * and shared by the linears that read the same input (q/k/v, gate/up); null without LoRA.
   */
  private NDArray loraInput(NDArray x, NDManager m) {
    for (LoraLinear l : linears()) {
      if (l.hasLora()) {
        return Nd.cast(m, x, Nd.dtype(l.loraA()));
      }
    }
    return null;
  }

  /**
   * RMSNorm as transformers computes it: in float32, x·rsqrt(mean(x²) + ε), cast back to the input
   * dtype, then times the weight (kept in the compute dtype). Both casts are recorded.
   */
  static NDArray rmsNorm(NDArray x, NDArray weight, double eps, NDManager m) {
    try (NDManager n = m.newSubManager()) {
      NDArray xf = Nd.cast(n, Nd.adopt(n, x), upcast(x));
      NDArray variance = xf.square().mean(new int[] {-1}, true);
      NDArray normed = Nd.cast(n, xf.div(Nd.add(variance, eps).sqrt()), Nd.dtype(x));
      NDArray out = normed.mul(weight);
      out.attach(m);
      return out;
    }
  }

  /** float32 for norms and softmax, as transformers; float64 stays float64 (gradient checks). */
  static DataType upcast(NDArray x) {
    return Nd.dtype(x) == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
  }

  @Override
  public void close() {
    inputNorm.close();
    postNorm.close();
    for (LoraLinear l : linears()) {
      l.close();
    }
  }
}
