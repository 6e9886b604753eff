package dev.cura.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * An unquantized weight W [out, in], kept in the compute dtype: frozen (QLoRA's base), or trainable
 * after {@link #train()} (full-parameter pretraining).
 */
public final class DenseWeight implements FrozenWeight {
  private final NDArray weight; // [out, in]
  private final NDArray weightT; // [in, out] view, taken before W could require a gradient
  private boolean trainable;

  public DenseWeight(NDArray weight) {
    if (weight.getShape().dimension() != 2) {
      throw new IllegalArgumentException("a linear weight must be 2-D, got " + weight.getShape());
    }
    this.weight = weight;
    this.weightT = weight.transpose();
  }

  @Override
  public int outFeatures() {
    return (int) weight.getShape().get(0);
  }

  @Override
  public int inFeatures() {
    return (int) weight.getShape().get(1);
  }

  /**
   * y = x·Wᵀ. A weight stored in another dtype than x (the bf16 embedding/lm_head of the benches'
   * big synthetic models; loaded models hold every weight in the compute dtype) multiplies in its
   * own dtype: x is cast to it and the product cast back to x's. Casting W instead would make a
   * float32 copy of it per call — 2.1 GB for a 128K-vocabulary lm_head, per block of the loss head
   * — which autograd keeps until the block's backward.
   */
  @Override
  public NDArray apply(NDArray x, NDManager m) {
    if (trainable) { // a transpose taken now is recorded, so the gradient reaches W
      return x.matMul(Nd.own(m, weight.transpose()));
    }
    if (Nd.dtype(weightT) != Nd.dtype(x)) {
      NDArray y = Nd.cast(m, x, Nd.dtype(weightT)).matMul(weightT);
      return Nd.cast(m, y, Nd.dtype(x));
    }
    return x.matMul(weightT);
  }

  @Override
  public NDArray applyTransposed(NDArray g, NDManager m) {
    if (Nd.dtype(weight) != Nd.dtype(g)) { // as in apply: multiply in W's own dtype
      NDArray y = Nd.cast(m, g, Nd.dtype(weight)).matMul(weight);
      return Nd.cast(m, y, Nd.dtype(g));
    }
    return g.matMul(weight);
  }

  @Override
  public boolean trainable() {
    return trainable;
  }

  @Override
  public NDArray dense(NDManager m) {
    return Nd.own(m, weight.duplicate());
  }

  /**
   * Makes W a trainable leaf: it requires a gradient, and products with it are recorded by
   * autograd. Returns W (the optimizer updates it in place).
   */
  public NDArray train() {
    weight.setRequiresGradient(true);
    trainable = true;
    return weight;
  }

  /** The underlying weight (owned by this object). */
  public NDArray weight() {
    return weight;
  }

  @Override
  public long residentBytes() {
    return weight.getShape().size() * Nd.dtype(weight).getNumOfBytes();
  }

  @Override
  public void close() {
    weightT.close();
    weight.close();
  }
}
