package dev.cura.engine.optim;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The 32-bit AdamW update written out element-wise: the scalar reference every optimizer here uses.
 * It follows bitsandbytes' {@code kOptimizer32bit2State} ADAM case (QLORA-SPEC §7.3), with t the
 * 1-based step:
 *
 * <pre>
 * g  = gnorm_scale · g
 * m  = β1·m + (1−β1)·g
 * v  = β2·v + (1−β2)·g²
 * c1 = 1 − β1^t,  c2 = √(1 − β2^t),  step_size = −lr·c2/c1
 * p  = p + step_size · m / (√v + ε·c2)
 * p  = p · (1 − lr·wd)                       (decoupled weight decay, after the step as in CUDA)
 * </pre>
 *
 * Element arithmetic is float32 as in the kernel; the per-step scalars are computed in double and
 * rounded once.
 */
public final class AdamWKernel {
  private AdamWKernel() {}

  /** Per-step scalars. */
  public record Scalars(
      float beta1, float beta2, float eps, float stepSize, float epsC2, float decay) {
    public static Scalars of(AdamWConfig c, long t, double lr) {
      double c1 = 1 - Math.pow(c.beta1(), t);
      double c2 = Math.sqrt(1 - Math.pow(c.beta2(), t));
      return new Scalars(
          (float) c.beta1(),
          (float) c.beta2(),
          (float) c.eps(),
          (float) (-lr * c2 / c1),
          (float) (c.eps() * c2),
          (float) (1 - lr * c.weightDecay()));
    }
  }

  /**
   * Updates p, m, v over [0, n) in place; p and g are float32 memory in native byte order — a CPU
   * tensor's own storage (a parameter is updated where it lives) or a heap array ({@code
   * MemorySegment.ofArray}).
   */
  public static void step(
      MemorySegment p,
      MemorySegment g,
      float[] m,
      float[] v,
      int n,
      Scalars s,
      float gnormScale,
      boolean decay) {
    float b1 = s.beta1(), b2 = s.beta2();
    float ob1 = 1 - b1, ob2 = 1 - b2;
    for (int i = 0; i < n; i++) {
      float gi = gnormScale * g.getAtIndex(F32, i);
      float mi = b1 * m[i] + ob1 * gi;
      float vi = b2 * v[i] + ob2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      float pi = p.getAtIndex(F32, i) + s.stepSize() * mi / ((float) Math.sqrt(vi) + s.epsC2());
      p.setAtIndex(F32, i, decay ? pi * s.decay() : pi);
    }
  }

  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
}
