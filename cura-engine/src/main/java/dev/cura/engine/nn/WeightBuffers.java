package dev.cura.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * One layer's worth of dequantized weights, allocated once and reused by every layer and step: W
 * [out, in] per linear slot (q_proj … down_proj) in the compute dtype, plus the dequantization
 * scratch (int32 nibble-pair indices and float32 values, sized for the largest linear) shared by
 * all slots. Instead of allocating and freeing tens of MB per linear call — which either churns the
 * allocator (page faults when large blocks go back to the kernel) or parks freed blocks in malloc
 * arenas (resident) — a step touches the same memory over and over.
 *
 * <p>Not thread-safe: one model trains or evaluates on one thread at a time.
 */
public final class WeightBuffers implements AutoCloseable {
  private final NDManager manager;
  private final Map<String, NDArray> weights = new HashMap<>();
  private NDArray idx; // [≥ n/2] int32
  private NDArray vals; // [≥ n/2, 2] float32
  private final Map<Long, NDArray> idxViews = new HashMap<>(); // leading slices of idx
  private final Map<Long, NDArray> valViews = new HashMap<>(); // leading slices of vals

  public WeightBuffers(NDManager parent) {
    this.manager = parent.newSubManager();
  }

  /** The W buffer of {@code slot}, reallocated only if its shape or dtype changes. */
  public NDArray weight(String slot, Shape shape, DataType type) {
    NDArray w = weights.get(slot);
    if (w == null || !w.getShape().equals(shape) || Nd.dtype(w) != type) {
      if (w != null) {
        w.close();
      }
      w = Nd.empty(manager, shape, type);
      weights.put(slot, w);
    }
    return w;
  }

  /** int32 scratch [half]: a view of one buffer sized for the largest linear. */
  public NDArray indexScratch(long half) {
    if (idx == null || idx.getShape().get(0) < half) {
      closeViews(idxViews);
      if (idx != null) {
        idx.close();
      }
      idx = manager.create(new Shape(half), DataType.INT32);
    }
    return idxViews.computeIfAbsent(half, h -> idx.get("0:{}", h));
  }

  /** float32 scratch [half, 2]: a view of one buffer sized for the largest linear. */
  public NDArray valueScratch(long half) {
    if (vals == null || vals.getShape().get(0) < half) {
      closeViews(valViews);
      if (vals != null) {
        vals.close();
      }
      vals = manager.create(new Shape(half, 2), DataType.FLOAT32);
    }
    return valViews.computeIfAbsent(half, h -> vals.get("0:{}", h));
  }

  private static void closeViews(Map<Long, NDArray> views) {
    views.values().forEach(NDArray::close);
    views.clear();
  }

  /** Bytes held (weights plus scratch). */
  public long bytes() {
    long b = 0;
    for (NDArray w : weights.values()) {
      b += w.getShape().size() * Nd.dtype(w).getNumOfBytes();
    }
    if (idx != null) {
      b += idx.getShape().size() * 4;
    }
    if (vals != null) {
      b += vals.getShape().size() * 4;
    }
    return b;
  }

  @Override
  public void close() {
    manager.close();
  }
}
