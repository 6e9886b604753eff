package dev.cura.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * A frozen base linear with an optional LoRA branch (PEFT semantics, QLORA-SPEC §8):
 *
 * <pre>y = x·Wᵀ + b + (dropout(x)·Aᵀ·Bᵀ)·scaling      x [N, in], A [r, in], B [out, r], y [N, out]
 * </pre>
 *
 * A starts Kaiming-uniform with a = √5 (bound 1/√in), B starts at zero so ΔW = 0 initially. Only A
 * and B require gradients.
 */
public final class LoraLinear implements AutoCloseable {
  private final String name;
  private final FrozenWeight base;
  private final NDArray bias; // [out] or null; frozen, unquantized (as bitsandbytes leaves it)
  private NDArray loraA; // [r, in], requires grad
  private NDArray loraB; // [out, r], requires grad
  private double scaling;
  private double dropout;

  public LoraLinear(String name, FrozenWeight base) {
    this(name, base, null);
  }

  /** A linear with a frozen bias [out] (qwen2's q/k/v, attention_bias, mlp_bias). */
  public LoraLinear(String name, FrozenWeight base, NDArray bias) {
    this.name = name;
    this.base = base;
    this.bias = bias;
  }

  /** The frozen bias [out], or null. */
  public NDArray bias() {
    return bias;
  }

  /** The PEFT module path, e.g. {@code model.layers.0.self_attn.q_proj}. */
  public String name() {
    return name;
  }

  public FrozenWeight base() {
    return base;
  }

  public boolean hasLora() {
    return loraA != null;
  }

  public NDArray loraA() {
    return loraA;
  }

  public NDArray loraB() {
    return loraB;
  }

  public double scaling() {
    return scaling;
  }

  /**
   * Adds a fresh LoRA branch: A Kaiming-uniform(a=√5) drawn from {@code rng}, B zeros, both float32
   * in {@code m}.
   */
  public void initLora(NDManager m, LoraConfig cfg, SplittableRandom rng, DataType paramType) {
    int in = base.inFeatures();
    int out = base.outFeatures();
    int r = cfg.rank();
    // kaiming_uniform_(a=√5): gain = √(2/(1+a²)) = √(1/3); bound = gain·√(3/fan_in) = 1/√fan_in
    double bound = 1.0 / Math.sqrt(in);
    float[] a = new float[r * in];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    }
    setLora(m, a, new float[out * r], r, cfg.scaling(), cfg.dropout(), paramType);
  }

  /** Installs given LoRA weights (A [r, in] and B [out, r], row-major). */
  public void setLora(NDManager m, float[] a, float[] b, int r, double scaling, double dropout) {
    setLora(m, a, b, r, scaling, dropout, DataType.FLOAT32);
  }

  /** As above with a parameter dtype (float32 normally; float64 for gradient checks). */
  public void setLora(
      NDManager m,
      float[] a,
      float[] b,
      int r,
      double scaling,
      double dropout,
      DataType paramType) {
    int in = base.inFeatures();
    int out = base.outFeatures();
    if (a.length != r * in || b.length != out * r) {
      throw new IllegalArgumentException(
          name
              + ": LoRA shapes must be A ["
              + r
              + ", "
              + in
              + "] and B ["
              + out
              + ", "
              + r
              + "], got "
              + a.length
              + " and "
              + b.length
              + " elements");
    }
    closeLora();
    loraA = Nd.floats(m, a, new Shape(r, in));
    loraB = Nd.floats(m, b, new Shape(out, r));
    if (paramType != DataType.FLOAT32) {
      NDArray a64 = loraA.toType(paramType, true);
      NDArray b64 = loraB.toType(paramType, true);
      loraA.close();
      loraB.close();
      loraA = a64;
      loraB = b64;
    }
    loraA.setRequiresGradient(true);
    loraB.setRequiresGradient(true);
    this.scaling = scaling;
    this.dropout = dropout;
  }

  /**
   * y = x·Wᵀ (+ LoRA). {@code training} turns dropout on; the dropout mask comes from libtorch's
   * generator, which the caller seeds deterministically (so a recomputed layer sees the same mask).
   *
   * <p>Mixed precision as PEFT runs a LoRA layer over a bitsandbytes 4-bit base: the base product
   * in the compute dtype (x's), the LoRA branch in the parameters' dtype (float32 master weights: x
   * is cast up, the branch's output cast back to y's dtype before the sum). Both casts are
   * recorded.
   */
  public NDArray forward(NDArray x, NDManager m, boolean training) {
    return forward(x, null, m, training);
  }

  /**
   * As {@link #forward(NDArray, NDManager, boolean)} with the LoRA input already in the parameters'
   * dtype ({@code xLora}, shared by linears that read the same x; null: cast here).
   */
  public NDArray forward(NDArray x, NDArray xLora, NDManager m, boolean training) {
    NDArray y = base.apply(x, m); // [N, out]
    if (bias != null) {
      y = y.add(bias);
    }
    if (loraA == null) {
      return y;
    }
    if (Nd.dtype(y) != Nd.dtype(loraA)) {
      // mixed precision: the branch in the parameters' dtype, cast to y's before the sum
      return y.add(loraBranch(x, xLora, m, training, Nd.dtype(y)));
    }
    // y += s·(x·Aᵀ)·Bᵀ as one GEMM accumulating into the base product (nothing saves y)
    NDArray xa = loraDown(x, xLora, m, training); // [N, r], in the parameters' dtype
    return TorchOps.get().loraAddmmInPlace(y, xa, Nd.own(m, loraB.transpose()), scaling);
  }

  /**
   * The LoRA branch alone, s·(x·Aᵀ)·Bᵀ [N, out] in {@code type}, recorded, with the dropout mask
   * {@link #forward} would draw (the base product draws none); null without LoRA. For a backward
   * that needs the branch's graph but not the base product's value.
   */
  public NDArray loraBranch(
      NDArray x, NDArray xLora, NDManager m, boolean training, DataType type) {
    if (loraA == null) {
      return null;
    }
    NDArray xa = loraDown(x, xLora, m, training);
    // scaled at rank width, (x·Aᵀ·s)·Bᵀ = s·(x·Aᵀ·Bᵀ), on [N, r] instead of [N, out] elements
    NDArray delta = Nd.mul(xa, scaling).matMul(Nd.own(m, loraB.transpose())); // [N, out]
    return Nd.cast(m, delta, type);
  }

  /**
   * Whether a backward through this linear needs only its input gradient from the base: W and the
   * bias are frozen, so g·W is all the base contributes.
   */
  public boolean frozenBase() {
    return !base.trainable() && (bias == null || !bias.hasGradient());
  }

  /** dropout(x in the parameters' dtype)·Aᵀ [N, r]. */
  private NDArray loraDown(NDArray x, NDArray xLora, NDManager m, boolean training) {
    NDArray xin = xLora != null ? xLora : Nd.cast(m, x, Nd.dtype(loraA));
    if (training && dropout > 0) {
      xin = xin.getNDArrayInternal().dropout(xin, (float) dropout, true).singletonOrThrow();
    }
    return xin.matMul(Nd.own(m, loraA.transpose())); // [N, in]·[in, r]
  }

  /** ΔW = B·A·scaling [out, in], for merging and tests. */
  public NDArray deltaWeight(NDManager m) {
    return Nd.mul(Nd.own(m, loraB.matMul(loraA)), scaling);
  }

  private void closeLora() {
    if (loraA != null) {
      loraA.close();
      loraB.close();
      loraA = null;
      loraB = null;
    }
  }

  @Override
  public void close() {
    closeLora();
    base.close();
    if (bias != null) {
      bias.close();
    }
  }
}
