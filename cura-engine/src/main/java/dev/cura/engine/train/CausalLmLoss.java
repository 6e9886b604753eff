package dev.cura.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.nn.TorchOps;

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
    int t = batch.length();
    Targets targets = targets(batch, normalizer, ComputeDevice.of(logits.getDevice()), m);
    return loss(logits.get(new NDIndex(":, :-1, :")), targets, 0, t - 1);
  }

  /**
   * The targets of a batch on the device: for prediction position p (0 ≤ p &lt; T−1) the label at
   * p+1 and its weight 1/normalizer (0 where ignored).
   *
   * @param ids [B, T−1, 1] int64 (0 where ignored)
   * @param weights [B, T−1] in the loss dtype
   */
  public record Targets(NDArray ids, NDArray weights) {}

  /** Uploads the targets of {@code batch} (two transfers) into {@code m}. */
  public static Targets targets(Batch batch, double normalizer, ComputeDevice device, NDManager m) {
    int b = batch.batch(), t = batch.length();
    int n = Math.max(0, t - 1);
    long[] targets = new long[b * n];
    float[] weights = new float[b * n];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < n; j++) {
        long label = batch.labels()[i * t + j + 1];
        if (label != Batch.IGNORE) {
          targets[i * n + j] = label;
          weights[i * n + j] = (float) (1.0 / normalizer);
        }
      }
    }
    return new Targets(
        device.upload(m, targets, new Shape(b, n, 1)), device.upload(m, weights, new Shape(b, n)));
  }

  /**
   * The loss of prediction positions [p0, p1): {@code logits} [B, p1−p0, V] are the model's outputs
   * at those positions (float32, or float64 in gradient checks).
   */
  public static NDArray loss(NDArray logits, Targets targets, int p0, int p1) {
    NDManager m = logits.getManager();
    long b = logits.getShape().get(0);
    NDArray logp = logits.logSoftmax(-1); // [B, n, V]
    NDArray idx = Nd.own(m, targets.ids().get(new NDIndex(":, {}:{}, :", p0, p1)));
    NDArray picked = logp.gather(idx, 2).reshape(b, p1 - p0); // [B, n]
    NDArray w =
        Nd.cast(
            m, Nd.own(m, targets.weights().get(new NDIndex(":, {}:{}", p0, p1))), Nd.dtype(logits));
    return picked.mul(w).sum().neg();
  }

  /**
   * The same loss as {@link #loss} for positions [p0, p1), computed with its gradient: {@code
   * logits} [B, p1−p0, V] (contiguous, float, a handle autograd does not record — e.g. {@code
   * stopGradient()} of the head's output, which shares its storage) are overwritten with d loss / d
   * logits, ready to be passed to the backward of the recorded head. One [B, n, V] buffer instead
   * of the four that log-softmax and gather hold under autograd (logits, log-probabilities and a
   * gradient of each), and two fewer passes over it.
   */
  public static NDArray lossWithGradientInPlace(NDArray logits, Targets targets, int p0, int p1) {
    NDManager m = logits.getManager();
    Shape s = logits.getShape();
    long rows = s.get(0) * s.get(1);
    NDArray flat =
        Nd.own(m, logits, logits.reshape(rows, s.get(2))); // a view: writes land in logits
    NDArray idx = Nd.own(m, targets.ids().get(new NDIndex(":, {}:{}, :", p0, p1))).reshape(rows, 1);
    NDArray w =
        Nd.cast(
            m,
            Nd.own(m, targets.weights().get(new NDIndex(":, {}:{}", p0, p1))).reshape(rows),
            Nd.dtype(logits));
    return TorchOps.get().crossEntropyGradInPlace(flat, idx, w);
  }
}
