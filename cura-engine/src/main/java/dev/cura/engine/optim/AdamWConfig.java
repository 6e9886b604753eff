package dev.cura.engine.optim;

/**
 * AdamW hyperparameters; defaults as bitsandbytes' AdamW classes (QLORA-SPEC §7.2): β = (0.9,
 * 0.999), ε = 1e-8, weight decay 0.01.
 */
public record AdamWConfig(double beta1, double beta2, double eps, double weightDecay) {
  public static final AdamWConfig BNB_DEFAULTS = new AdamWConfig(0.9, 0.999, 1e-8, 0.01);

  public AdamWConfig {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException(
          "Adam betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
    }
    if (!(eps > 0) || !(weightDecay >= 0)) {
      throw new IllegalArgumentException(
          "eps must be > 0 and weight decay >= 0, got " + eps + " and " + weightDecay);
    }
  }

  public AdamWConfig withWeightDecay(double wd) {
    return new AdamWConfig(beta1, beta2, eps, wd);
  }
}
