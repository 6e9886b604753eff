package dev.cura.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.cura.engine.nn.LoraLinear;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.nn.TorchOps;
import java.util.ArrayList;
import java.util.List;

/**
 * One decoder layer (pre-norm), as transformers computes it for every supported family:
 *
 * <pre>
 * h   = x + post_attn(o_proj(attn(rope(qn(q_proj(n1))), rope(kn(k_proj(n1))), v_proj(n1))))
 * out = h + post_ff(down_proj(act(gate_proj(n2)) · up_proj(n2)))
 * n1 = norm(x)·w_in     n2 = norm(h)·w_post (llama naming) or w_pre_ff (gemma2)
 * </pre>
 *
 * qn/kn are qwen3's per-head q_norm/k_norm (identity elsewhere), post_attn/post_ff gemma2's extra
 * norms (identity elsewhere); phi3 computes q/k/v with one fused qkv_proj [q; k; v] and gate/up
 * with one gate_up_proj [gate; up]. Attention is causal (within the layer's sliding window, if
 * any), scores scaled by 1/√d (gemma2: query_pre_attn_scalar^−½, then soft-capped), with
 * grouped-query heads: query head h reads key/value head h / (heads/kvHeads), as transformers'
 * repeat_kv. x, h, out are [B, T, C].
 */
public final class DecoderLayer implements AutoCloseable {
  /** A layer's norm weights; the optional ones are null when the family has none. */
  public record Norms(
      NDArray input,
      NDArray post,
      NDArray preFeedforward,
      NDArray postFeedforward,
      NDArray q,
      NDArray k) {
    List<NDArray> all() {
      List<NDArray> out = new ArrayList<>();
      for (NDArray a : new NDArray[] {input, post, preFeedforward, postFeedforward, q, k}) {
        if (a != null) {
          out.add(a);
        }
      }
      return out;
    }
  }

  final NDArray inputNorm; // [C]
  final NDArray postNorm; // [C]
  private final Norms norms;
  private final List<LoraLinear> linears;
  private final LoraLinear q, k, v, qkv, o, gate, up, gateUp, down;
  private final LlamaConfig cfg;
  private final int window;

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
    this(
        cfg,
        0,
        new Norms(inputNorm, postNorm, null, null, null, null),
        List.of(q, k, v, o, gate, up, down));
  }

  /**
   * A layer of any family: {@code linears} in PEFT order (q, k, v, o, gate, up, down; phi3:
   * qkv_proj, o, gate_up_proj, down), found by their short names.
   */
  public DecoderLayer(LlamaConfig cfg, int index, Norms norms, List<LoraLinear> linears) {
    this.cfg = cfg;
    this.window = cfg.windowOf(index);
    this.norms = norms;
    this.inputNorm = norms.input();
    this.postNorm = norms.post();
    this.linears = List.copyOf(linears);
    this.q = find("q_proj");
    this.k = find("k_proj");
    this.v = find("v_proj");
    this.qkv = find("qkv_proj");
    this.o = find("o_proj");
    this.gate = find("gate_proj");
    this.up = find("up_proj");
    this.gateUp = find("gate_up_proj");
    this.down = find("down_proj");
    if (o == null || down == null || (qkv == null && q == null) || (gateUp == null && up == null)) {
      throw new IllegalArgumentException("incomplete decoder layer: " + linears);
    }
  }

  private LoraLinear find(String shortName) {
    for (LoraLinear l : linears) {
      if (l.name().endsWith("." + shortName)) {
        return l;
      }
    }
    return null;
  }

  /** The layer's linears in PEFT order (llama: q, k, v, o, gate, up, down). */
  public List<LoraLinear> linears() {
    return linears;
  }

  /** Norm weights of this layer (input, post, and the family's extra ones). */
  public Norms norms() {
    return norms;
  }

  /**
   * x [B, T, C] → [B, T, C]. {@code rope} = {cos, sin} [T, d]; {@code mask} [T, T] additive causal
   * (0 or −∞); this layer's sliding window, if any, is added here.
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
    Arch arch = cfg.arch();
    NDArray h = attentionBlock(x, cos, sin, mask, m, training, cache);
    try (NDManager f = m.newSubManager()) {
      NDArray hf = Nd.adopt(f, h);
      NDArray act = gatedProduct(hf, f, training);
      NDArray mlp = down.forward(act, loraInput(act, f), f, training).reshape(b, t, c);
      NDArray out = hf.add(arch.gemmaNorms() ? norm(mlp, norms.postFeedforward(), f) : mlp);
      out.attach(m);
      return out;
    }
  }

  /**
   * Back-propagates {@code grad} = ∂loss/∂out [B, T, C] through this layer re-run recorded from x:
   * what {@code Nd.backward(forward(x, …, m, training), grad)} does, without the down projection's
   * forward product. The backward never reads the layer's output, only W_down for the gradient of
   * the MLP's product, formed here as grad·W_down; recomputing that product (a quarter of a Llama
   * layer's weights: 768·2304 of 6.7M at the 100M bench shape) would be thrown away. The root of
   * the backward is one scalar, Σ h·grad + Σ act·(grad·W_down) + Σ lora(act)·grad, whose gradient
   * reaches h as grad, the MLP's product as grad·W_down and the LoRA branch's output as grad —
   * exactly what flows back from h + down(act) (the sums' values are never used, and the products'
   * backward multiplies by 1). Families with a norm after the MLP (Gemma-2), whose backward reads
   * the MLP's output, and a down projection whose base trains run the whole forward.
   */
  public void recomputeBackward(
      NDArray x,
      NDArray cos,
      NDArray sin,
      NDArray mask,
      NDArray grad,
      NDManager m,
      boolean training) {
    if (cfg.arch().gemmaNorms() || !down.frozenBase()) {
      Nd.backward(forward(x, cos, sin, mask, m, training), grad);
      return;
    }
    x = Nd.adopt(m, x);
    Shape s = x.getShape();
    long b = s.get(0), t = s.get(1), c = s.get(2);
    NDArray h = attentionBlock(x, cos, sin, mask, m, training, null);
    try (NDManager f = m.newSubManager()) {
      NDArray hf = Nd.adopt(f, h);
      NDArray act = gatedProduct(hf, f, training); // [N, I]
      NDArray gradF = Nd.adopt(f, grad); // [B, T, C]
      NDArray g = gradF.reshape(b * t, c);
      NDArray dAct = down.base().applyTransposed(g, f); // [N, I], not recorded
      NDArray root = scalarSum(hf.mul(gradF), f).add(scalarSum(act.mul(dAct), f));
      NDArray branch = down.loraBranch(act, loraInput(act, f), f, training, Nd.dtype(g));
      if (branch != null) {
        root = root.add(scalarSum(branch.mul(g), f));
      }
      Nd.backward(root, f.ones(new Shape(), DataType.FLOAT32));
    }
  }

  /**
   * h = x + attention(x) [B, T, C] in {@code m}; the attention's temporaries die in their own
   * scope.
   */
  private NDArray attentionBlock(
      NDArray x,
      NDArray cos,
      NDArray sin,
      NDArray mask,
      NDManager m,
      boolean training,
      KvCache.Layer cache) {
    Shape s = x.getShape();
    try (NDManager a = m.newSubManager()) {
      NDArray h =
          attention(
              Nd.adopt(a, x), cos, sin, mask, a, training, cache, s.get(0), s.get(1), s.get(2));
      h.attach(m);
      return h;
    }
  }

  /** Σ x as a float32 scalar (so the backward's seed can be made without a bf16 factory). */
  private static NDArray scalarSum(NDArray x, NDManager f) {
    return Nd.cast(f, x.sum(), DataType.FLOAT32);
  }

  /** act(gate(n2))·up(n2) [B·T, I] with n2 = the MLP's norm of h, in scope {@code f}. */
  private NDArray gatedProduct(NDArray hf, NDManager f, boolean training) {
    Shape s = hf.getShape();
    long b = s.get(0), t = s.get(1), c = s.get(2);
    Arch arch = cfg.arch();
    NDArray n2 =
        norm(hf, arch.gemmaNorms() ? norms.preFeedforward() : postNorm, f).reshape(b * t, c);
    NDArray n2l = loraInput(n2, f);
    NDArray gt, ut;
    if (gateUp != null) {
      NDArray both = gateUp.forward(n2, n2l, f, training);
      long inter = cfg.intermediate();
      gt = both.get(new NDIndex(":, :{}", inter));
      ut = both.get(new NDIndex(":, {}:", inter));
    } else {
      gt = gate.forward(n2, n2l, f, training);
      ut = up.forward(n2, n2l, f, training);
    }
    return gated(gt, ut, arch.activation(), f);
  }

  /** h = x + post_attn(o_proj(attention(norm(x)))), in scope {@code a}. */
  private NDArray attention(
      NDArray x,
      NDArray cos,
      NDArray sin,
      NDArray mask,
      NDManager a,
      boolean training,
      KvCache.Layer cache,
      long b,
      long t,
      long c) {
    int heads = cfg.heads(), kv = cfg.kvHeads(), d = cfg.headDim(), g = cfg.groupSize();
    Arch arch = cfg.arch();
    NDArray n1 = norm(x, inputNorm, a).reshape(b * t, c);
    NDArray n1l = loraInput(n1, a);
    NDArray qf, kf, vf;
    if (qkv != null) {
      NDArray all = qkv.forward(n1, n1l, a, training);
      long qo = (long) heads * d, ko = (long) kv * d;
      qf = all.get(new NDIndex(":, :{}", qo));
      kf = all.get(new NDIndex(":, {}:{}", qo, qo + ko));
      vf = all.get(new NDIndex(":, {}:", qo + ko));
    } else {
      qf = q.forward(n1, n1l, a, training);
      kf = k.forward(n1, n1l, a, training);
      vf = v.forward(n1, n1l, a, training);
    }
    NDArray qs = qf.reshape(b, t, heads, d);
    NDArray ks = kf.reshape(b, t, kv, d);
    if (norms.q() != null) {
      qs = norm(qs, norms.q(), a);
      ks = norm(ks, norms.k(), a);
    }
    qs = Rope.apply(qs.transpose(0, 2, 1, 3), cos, sin); // [B, H, T, d]
    ks = Rope.apply(ks.transpose(0, 2, 1, 3), cos, sin); // [B, kv, T, d]
    NDArray vs = vf.reshape(b, t, kv, d).transpose(0, 2, 1, 3);
    if (cache != null) {
      ks = cache.append(ks, vs, a); // [B, kv, P + T, d]
      vs = cache.values(a);
    }
    long tk = ks.getShape().get(2); // key positions: T, or P + T with a cache

    // group the g query heads of each kv head: [B, kv, g·T, d] · [B, kv, d, Tk] → [B, kv, g·T, Tk]
    NDArray probs;
    try (NDManager p = a.newSubManager()) {
      NDArray qg = Nd.adopt(p, qs).reshape(b, kv, g * t, d);
      double scale = arch.queryScale() > 0 ? arch.queryScale() : 1.0 / Math.sqrt(d);
      NDArray scores =
          Nd.mul(qg.matMul(Nd.adopt(p, ks).transpose(0, 1, 3, 2)), scale).reshape(b, kv, g, t, tk);
      if (arch.attnSoftcap() > 0) {
        scores = softcap(scores, arch.attnSoftcap());
      }
      // the model's mask is shared: results go into p (the receiver's manager), never into it
      NDArray full = window > 0 && tk > window ? windowMask((int) t, (int) tk, p).add(mask) : mask;
      // softmax in float32 (transformers: softmax(..., dtype=float32).to(query dtype))
      probs = Nd.cast(p, Nd.cast(p, scores, upcast(x)).add(full).softmax(-1), Nd.dtype(x));
      probs.attach(a);
    }
    NDArray ctx = probs.reshape(b, kv, g * t, tk).matMul(vs).reshape(b, heads, t, d); // [B,H,T,d]
    NDArray attn = ctx.transpose(0, 2, 1, 3).reshape(b * t, (long) heads * d);
    NDArray attnOut = o.forward(attn, loraInput(attn, a), a, training).reshape(b, t, c);
    return x.add(arch.gemmaNorms() ? norm(attnOut, postNorm, a) : attnOut);
  }

  /**
   * The input of the LoRA branches in their parameters' dtype (float32 master weights), cast once
   * and shared by the linears that read the same input (q/k/v, gate/up); null without LoRA.
   */
  private NDArray loraInput(NDArray x, NDManager m) {
    for (LoraLinear l : linears) {
      if (l.hasLora()) {
        return Nd.cast(m, x, Nd.dtype(l.loraA()));
      }
    }
    return null;
  }

  private NDArray norm(NDArray x, NDArray weight, NDManager m) {
    return cfg.arch().gemmaNorms()
        ? gemmaRmsNorm(x, weight, cfg.rmsNormEps(), m)
        : rmsNorm(x, weight, cfg.rmsNormEps(), m);
  }

  /**
   * −∞ where key j is {@code window} or more positions before query i, for T queries at positions
   * P..P+T−1 over keys 0..P+T−1 (P = keys − T cached positions; 0 without a cache): [T, keys], made
   * on the device of the layer's weights by libtorch (no host data, no transfer).
   */
  private NDArray windowMask(int t, int keys, NDManager m) {
    Device dev = inputNorm.getDevice();
    int past = keys - t;
    Shape shape = new Shape(t, keys);
    NDArray query = m.arange(past, past + t, 1, DataType.INT64, dev).reshape(t, 1);
    NDArray key = m.arange(0, keys, 1, DataType.INT64, dev).reshape(1, keys);
    NDArray far = query.sub(key).gte(window);
    return NDArrays.where(
        far,
        m.full(shape, Float.NEGATIVE_INFINITY, DataType.FLOAT32, dev),
        m.zeros(shape, DataType.FLOAT32, dev));
  }

  /** c·tanh(x / c): gemma2's soft-capping of attention and final logits. */
  static NDArray softcap(NDArray x, double cap) {
    return Nd.mul(Nd.mul(x, 1.0 / cap).tanh(), cap);
  }

  /**
   * The gated MLP product act(gate)·up. silu (SwiGLU) is one scripted op ({@link TorchOps#siluMul}:
   * one kernel forward, libtorch's silu backward); the others multiply the {@link #activation} by
   * up.
   */
  static NDArray gated(NDArray gate, NDArray up, String name, NDManager m) {
    if (name.equals("silu")) {
      return Nd.own(m, TorchOps.get().siluMul(gate, up));
    }
    return activation(gate, name).mul(up);
  }

  /**
   * A non-gated-silu MLP activation, as transformers' ACT2FN computes it. Constants go through
   * {@link Nd}'s libtorch-owned scalars (autograd saves them, see docs/engine.md).
   */
  static NDArray activation(NDArray x, String name) {
    return switch (name) {
      case "gelu" -> Activation.gelu(x); // erf form
      case "gelu_pytorch_tanh" -> {
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
        NDArray cube = x.mul(x).mul(x);
        NDArray inner = Nd.mul(x.add(Nd.mul(cube, 0.044715)), Math.sqrt(2 / Math.PI));
        yield Nd.mul(x.mul(Nd.add(inner.tanh(), 1.0)), 0.5);
      }
      default -> throw new IllegalArgumentException("unsupported activation " + name);
    };
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

  /** Gemma's RMSNorm: in float32, x·rsqrt(mean(x²) + ε)·(1 + w), then cast to the input dtype. */
  static NDArray gemmaRmsNorm(NDArray x, NDArray weight, double eps, NDManager m) {
    try (NDManager n = m.newSubManager()) {
      NDArray xf = Nd.cast(n, Nd.adopt(n, x), upcast(x));
      NDArray variance = xf.square().mean(new int[] {-1}, true);
      NDArray w = Nd.add(Nd.cast(n, Nd.adopt(n, weight), upcast(x)), 1.0);
      NDArray out = Nd.cast(n, xf.div(Nd.add(variance, eps).sqrt()).mul(w), Nd.dtype(x));
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
    norms.all().forEach(NDArray::close);
    for (LoraLinear l : linears) {
      l.close();
    }
  }
}
