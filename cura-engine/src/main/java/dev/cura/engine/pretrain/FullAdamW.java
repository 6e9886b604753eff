package dev.cura.engine.pretrain;

import dev.cura.engine.optim.AdamWConfig;
import dev.cura.engine.optim.AdamWKernel;

/**
 * AdamW over every parameter of a {@link PretrainModel}, with global gradient-norm clipping:
 *
 * <pre>
 * ‖g‖ = √(Σ_params Σ g²),  scale = min(1, clip/‖g‖)   (clip ≤ 0: no clipping)
 * then per parameter the engine's 32-bit AdamW kernel with gnorm_scale = scale,
 * weight decay on matrices only (not on norm weights)
 * </pre>
 *
 * States are plain float arrays (the model is small; paging is the fine-tuning optimizer's job).
 */
public final class FullAdamW {
  private final AdamWConfig config;
  private final float[][] m;
  private final float[][] v;
  private long t;

  public FullAdamW(PretrainModel model, AdamWConfig config) {
    this.config = config;
    int n = model.specs().size();
    m = new float[n][];
    v = new float[n][];
    for (int k = 0; k < n; k++) {
      m[k] = new float[model.specs().get(k).size()];
      v[k] = new float[m[k].length];
    }
  }

  /** Applies one update from the gradients of the last backward; returns ‖g‖ before clipping. */
  public double step(PretrainModel model, double lr, double clip) {
    int n = m.length;
    float[][] grads = new float[n][];
    double sq = 0;
    for (int k = 0; k < n; k++) {
      grads[k] = model.gradient(k);
      for (float g : grads[k]) {
        sq += (double) g * g;
      }
    }
    double norm = Math.sqrt(sq);
    float scale = clip > 0 && norm > clip ? (float) (clip / norm) : 1f;
    t++;
    AdamWKernel.Scalars s = AdamWKernel.Scalars.of(config, t, lr);
    for (int k = 0; k < n; k++) {
      float[] p = model.values(k);
      AdamWKernel.step(p, grads[k], m[k], v[k], p.length, s, scale, model.specs().get(k).decays());
      model.replace(k, p);
    }
    return norm;
  }

  /** Updates done so far. */
  public long steps() {
    return t;
  }

  /** The first moment of parameter k (the live array). */
  float[] firstMoment(int k) {
    return m[k];
  }

  /** The second moment of parameter k (the live array). */
  float[] secondMoment(int k) {
    return v[k];
  }

  /** Continues from saved moments after {@code steps} updates. */
  void restore(float[][] firstMoments, float[][] secondMoments, long steps) {
    for (int k = 0; k < m.length; k++) {
      if (firstMoments[k].length != m[k].length || secondMoments[k].length != v[k].length) {
        throw new IllegalArgumentException(
            "optimizer state of parameter " + k + " has the wrong size");
      }
      System.arraycopy(firstMoments[k], 0, m[k], 0, m[k].length);
      System.arraycopy(secondMoments[k], 0, v[k], 0, v[k].length);
    }
    t = steps;
  }
}
