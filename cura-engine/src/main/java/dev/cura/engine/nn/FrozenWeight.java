package dev.cura.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A frozen base weight W [out, in] of a linear layer: dense, or packed 4-bit and dequantized on
 * demand. It never receives a gradient.
 */
public interface FrozenWeight extends AutoCloseable {
  int outFeatures();

  int inFeatures();

  /** y = x · Wᵀ for x [N, in] → [N, out], with all temporaries attached to {@code m}. */
  NDArray apply(NDArray x, NDManager m);

  /**
   * g · W for g [N, out] → [N, in], with all temporaries attached to {@code m}: the input gradient
   * of {@link #apply}, formed directly for a backward whose forward product was never computed (not
   * recorded: neither g nor W requires a gradient).
   */
  NDArray applyTransposed(NDArray g, NDManager m);

  /** Whether W itself receives a gradient (full-parameter training); frozen bases do not. */
  default boolean trainable() {
    return false;
  }

  /** W [out, in] in the compute dtype, attached to {@code m} (a copy for packed weights). */
  NDArray dense(NDManager m);

  /**
   * Offers the model's reusable per-layer buffers; weights that materialize W per call (packed
   * 4-bit) dequantize into the buffer of {@code slot} (the linear's short name, unique within a
   * layer). Dense weights ignore it.
   */
  default void shareBuffers(WeightBuffers buffers, String slot) {}

  /** Bytes this weight keeps resident. */
  long residentBytes();

  @Override
  void close();
}
