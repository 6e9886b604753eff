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

  DecoderLayer(
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
   */
  public NDArray forward(
      NDArray x, NDArray cos, NDArray sin, NDArray mask, NDManager m, boolean training) {
    return forward(x, cos, sin, mask, m, training, null);
  }

  /**
   * As {@link #forward(NDArray, NDArray, NDArray, NDArray, NDManager, boolean)}, for inference with
   * a key/value cache: x holds only the new positions, {@code cos}/{@code sin} are theirs, {@code
   * mask} is [T, P + T] over the P cached positions and the new ones, and {@code cache} (this
   * layer's entry of a {@link KvCache}) gains the new keys and values.
   */
  NDArray forward(
      NDArray x,
      NDArray cos,
      NDArray sin,
      NDArray mask,
      NDManager m,
      boolean training,
      KvCache.Layer cache) {
    x = Nd.adopt(m, x); // temporaries derived from x must die with m
    Shape s = x.getShape();
    long b = s.get(0), t = s.get(1), c = s.get(2);
    int heads = cfg.heads(), kv = cfg.kvHeads(), d = cfg.headDim(), g = cfg.groupSize();

    NDArray n1 = rmsNorm(x, inputNorm, cfg.rmsNormEps()).reshape(b * t, c);
    NDArray qs = q.forward(n1, m, training).reshape(b, t, heads, d).transpose(0, 2, 1, 3);
    NDArray ks = k.forward(n1, m, training).reshape(b, t, kv, d).transpose(0, 2, 1, 3);
    NDArray vs = v.forward(n1, m, training).reshape(b, t, kv, d).transpose(0, 2, 1, 3);
    qs = Rope.apply(qs, cos, sin); // [B, H, T, d]
    ks = Rope.apply(ks, cos, sin); // [B, kv, T, d]
    if (cache != null) {
      ks = cache.append(ks, vs, m); // [B, kv, P + T, d]
      vs = cache.values(m);
    }
    long tk = ks.getShape().get(2); // key positions: T, or P + T with a cache

    // group the g query heads of each kv head: [B, kv, g·T, d] · [B, kv, d, Tk] → [B, kv, g·T, Tk]
    NDArray qg = qs.reshape(b, kv, g * t, d);
    NDArray scores =
        Nd.mul(qg.matMul(ks.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(d)).reshape(b, kv, g, t, tk);
    NDArray probs =
        scores.toType(upcast(x), false).add(mask).softmax(-1).toType(x.getDataType(), false);
    NDArray ctx = probs.reshape(b, kv, g * t, tk).matMul(vs).reshape(b, heads, t, d); // [B,H,T,d]
    NDArray attn = ctx.transpose(0, 2, 1, 3).reshape(b * t, (long) heads * d);
    NDArray h = x.add(o.forward(attn, m, training).reshape(b, t, c));

    NDArray n2 = rmsNorm(h, postNorm, cfg.rmsNormEps()).reshape(b * t, c);
    NDArray gt = gate.forward(n2, m, training);
    NDArray act = gt.mul(Activation.sigmoid(gt)).mul(up.forward(n2, m, training));
    return h.add(down.forward(act, m, training).reshape(b, t, c));
  }

  /**
   * RMSNorm as transformers computes it: in float32, x·rsqrt(mean(x²) + ε), cast back to the input
   * dtype, then times the weight.
   */
  static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
    NDArray xf = x.toType(upcast(x), false);
    NDArray variance = xf.square().mean(new int[] {-1}, true);
    NDArray normed = xf.div(variance.add(eps).sqrt()).toType(x.getDataType(), false);
    return normed.mul(weight);
  }

  /** float32 for norms and softmax, as transformers; float64 stays float64 (gradient checks). */
  static DataType upcast(NDArray x) {
    return x.getDataType() == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
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
