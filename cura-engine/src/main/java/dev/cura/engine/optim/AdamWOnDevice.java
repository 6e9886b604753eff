package dev.cura.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.cura.engine.nn.ComputeDevice;
import dev.cura.engine.nn.Nd;

/**
 * {@link AdamWKernel}'s update run where the parameter lives: its moments come from host memory
 * (the optimizer's state store, paged or not) to the parameter's device, the update runs there with
 * libtorch ops in the kernel's exact operation order — each op one float32 rounding, so the result
 * equals the element-wise kernel bit for bit — and the moments go back. Four counted transfers per
 * parameter ({@link ComputeDevice}); the parameter and its gradient never leave the device, which
 * is how bitsandbytes' paged optimizers use host-resident states.
 */
public final class AdamWOnDevice {
  private AdamWOnDevice() {}

  /**
   * Updates {@code value} in place from its gradient; m and v (float32, host) are read and replaced
   * with the new moments.
   */
  public static void step(
      NDArray value, float[] m, float[] v, AdamWKernel.Scalars s, float gradScale, boolean decay) {
    ComputeDevice device = ComputeDevice.of(value.getDevice());
    try (NDManager w = value.getManager().newSubManager()) {
      NDArray g = Nd.own(w, value.getGradient());
      NDArray[] mv =
          update(
              value,
              g,
              device.upload(w, m, value.getShape()),
              device.upload(w, v, value.getShape()),
              s,
              gradScale,
              decay);
      device.download(mv[0], m);
      device.download(mv[1], v);
    }
  }

  /**
   * The kernel as libtorch ops:
   *
   * <pre>
   * gi = gnormScale·g;  m' = β1·m + (1−β1)·gi;  v' = β2·v + ((1−β2)·gi)·gi
   * p  = p + (stepSize·m') / (√v' + ε·c2);  p = p·(1 − lr·wd) with weight decay
   * </pre>
   *
   * p is updated in place; returns {m', v'} (in g's, m's and v's manager).
   */
  static NDArray[] update(
      NDArray p,
      NDArray g,
      NDArray m,
      NDArray v,
      AdamWKernel.Scalars s,
      float gnormScale,
      boolean decay) {
    float ob1 = 1 - s.beta1(), ob2 = 1 - s.beta2();
    NDArray gi = Nd.mul(g, gnormScale);
    NDArray m1 = Nd.mul(m, s.beta1()).add(Nd.mul(gi, ob1));
    NDArray v1 = Nd.mul(v, s.beta2()).add(Nd.mul(gi, ob2).mul(gi));
    // √ in float64, rounded once to float32: correctly rounded like the kernel's (and CUDA's
    // sqrtf); libtorch's vectorized float32 sqrt is off by one ulp for ~0.7% of inputs
    NDArray sqrt = v1.toType(DataType.FLOAT64, false).sqrt().toType(DataType.FLOAT32, false);
    NDArray step = Nd.mul(m1, s.stepSize()).div(Nd.add(sqrt, s.epsC2()));
    p.addi(step);
    if (decay) {
      Nd.muli(p, s.decay());
    }
    return new NDArray[] {m1, v1};
  }
}
