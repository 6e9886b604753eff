package dev.cura.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.cura.engine.nn.LoraParams;
import java.util.List;

/**
 * Global gradient-norm clipping as torch's {@code clip_grad_norm_}: ‖g‖ = √(Σ over all parameters
 * of Σ g²), and when ‖g‖ > max_norm every gradient is scaled by max_norm / (‖g‖ + 1e-6). The scale
 * goes to {@link Optimizer#step} as {@code gradScale} (bitsandbytes' {@code gnorm_scale}).
 */
public final class GradClip {
  private GradClip() {}

  /** ‖g‖ over every parameter's accumulated gradient, summed in double in list order. */
  public static double globalNorm(List<LoraParams.Param> params) {
    double sum = 0;
    for (LoraParams.Param p : params) {
      try (NDArray g = p.value().getGradient()) {
        if (g.getDataType() == DataType.FLOAT64) {
          for (double x : g.toDoubleArray()) {
            sum += x * x;
          }
        } else {
          for (float x : g.toFloatArray()) {
            sum += (double) x * x;
          }
        }
      }
    }
    return Math.sqrt(sum);
  }

  /** The gradient scale for a norm: max_norm / (norm + 1e-6) above max_norm, else 1 (≤ 0: off). */
  public static float scale(double norm, double maxNorm) {
    return maxNorm > 0 && norm > maxNorm ? (float) (maxNorm / (norm + 1e-6)) : 1f;
  }
}
