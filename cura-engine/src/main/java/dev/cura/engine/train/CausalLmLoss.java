package dev.cura.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.Nd;

/**
 * Causal-LM cross-entropy as transformers computes it, on labelled tokens only:
 *
 * <pre>
 * loss = −Σ_{b, t&lt;T−1, labels[b,t+1]≠−100} log softmax(logits[b,t])[labels[b,t+1]] / normalizer
 * </pre>
 *
 * logits [B, T, V] float32. With gradient accumulation the normalizer is the number of target
 * tokens of the whole optimizer step, so accumulated gradients equal those of one large batch.
 */
public final class CausalLmLoss {
  private CausalLmLoss() {}

  /** Summed NLL over target tokens divided by {@code normalizer} (a scalar NDArray). */
  public static NDArray compute(NDArray logits, Batch batch, double normalizer, NDManager m) {
    int b = batch.batch(), t = batch.length();
    long[] targets = new long[b * (t - 1)];
    float[] weights = new float[b * (t - 1)];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t - 1; j++) {
        long label = batch.labels()[i * t + j + 1];
        if (label != Batch.IGNORE) {
          targets[i * (t - 1) + j] = label;
          weights[i * (t - 1) + j] = (float) (1.0 / normalizer);
        }
      }
    }
    NDArray logp = logits.get(new NDIndex(":, :-1, :")).logSoftmax(-1); // [B, T-1, V]
    ComputeDevice device = ComputeDevice.of(logits.getDevice());
    NDArray idx = device.upload(m, targets, new Shape(b, t - 1, 1));
    NDArray picked = logp.gather(idx, 2).reshape(b, t - 1); // [B, T-1]
    NDArray w = Nd.cast(m, device.upload(m, weights, new Shape(b, t - 1)), Nd.dtype(logits));
    return picked.mul(w).sum().neg();
  }
}
