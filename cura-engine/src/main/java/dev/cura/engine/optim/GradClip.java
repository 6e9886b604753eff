package dev.cura.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.Nd;
import java.util.List;

/**
 * Global gradient-norm clipping as torch's {@code clip_grad_norm_}: ‖g‖ = √(Σ over all parameters
 * of Σ g²), and when ‖g‖ > max_norm every gradient is scaled by max_norm / (‖g‖ + 1e-6). The scale
 * goes to {@link Optimizer#step} as {@code gradScale} (bitsandbytes' {@code gnorm_scale}).
 */
public final class GradClip {
  private GradClip() {}

  /**
   * ‖g‖ over every parameter's accumulated gradient, the squares summed in float64 on the
   * parameters' device: one scalar comes back to the host (through {@link ComputeDevice}).
   */
  public static double globalNorm(List<LoraParams.Param> params) {
    if (params.isEmpty()) {
      return 0;
    }
    NDArray first = params.get(0).value();
    boolean was = Nd.gradMode(false);
    try (NDManager m = first.getManager().newSubManager()) {
      NDArray sum = null;
      for (LoraParams.Param p : params) {
        NDArray g = Nd.own(m, p.value().getGradient());
        NDArray sq = Nd.cast(m, g, DataType.FLOAT64).square().sum();
        sum = sum == null ? sq : sum.add(sq);
      }
      return Math.sqrt(ComputeDevice.of(first.getDevice()).downloadScalar(sum));
    } finally {
      Nd.gradMode(was);
    }
  }

  /** The gradient scale for a norm: max_norm / (norm + 1e-6) above max_norm, else 1 (≤ 0: off). */
  public static float scale(double norm, double maxNorm) {
    return maxNorm > 0 && norm > maxNorm ? (float) (maxNorm / (norm + 1e-6)) : 1f;
  }
}
