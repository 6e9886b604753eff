package dev.cura.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** An unquantized frozen weight W [out, in], kept in the compute dtype. */
public final class DenseWeight implements FrozenWeight {
  private final NDArray weight; // [out, in]
  private final NDArray weightT; // [in, out] view

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
   * y = x·Wᵀ. A weight stored in another dtype than x (fp16 embeddings of big synthetic models) is
   * converted into a temporary of {@code m} first.
   */
  @Override
  public NDArray apply(NDArray x, NDManager m) {
    if (Nd.dtype(weightT) != Nd.dtype(x)) {
      return x.matMul(Nd.cast(m, weightT, Nd.dtype(x)));
    }
    return x.matMul(weightT);
  }

  @Override
  public NDArray dense(NDManager m) {
    return Nd.own(m, weight.duplicate());
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
