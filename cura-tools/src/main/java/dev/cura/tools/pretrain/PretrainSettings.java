package dev.cura.tools.pretrain;

/**
 * Hyperparameters of a pretraining run. The learning rate warms up linearly over {@code warmup}
 * steps to {@code lr}, then follows a cosine down to {@code lr·minLrRatio} at {@code steps}.
 *
 * @param steps optimizer steps
 * @param batch B, windows per step
 * @param seqLen T, tokens per window
 * @param lr peak learning rate
 * @param minLrRatio final lr as a fraction of the peak
 * @param warmup warm-up steps
 * @param weightDecay AdamW decoupled weight decay (matrices only)
 * @param clip global gradient-norm clip (≤ 0: none)
 * @param seed seeds the init and the window sampler
 * @param evalEvery held-out evaluation every n steps (and at the end)
 * @param evalWindows held-out windows per evaluation
 * @param saveEvery intermediate checkpoint every n steps (0: only at the end)
 * @param maxMinutes stop early (and save) after this much wall time; 0 = no limit
 * @param stopAfter stop early (and save) after this step, keeping the schedule of {@code steps}; 0
 *     = run all steps. With the same seed this replays the first steps of a longer run exactly (how
 *     the bundled model, stopped by the wall-clock budget, is rebuilt)
 * @param copyFraction share of training windows made into copy exercises (see {@link
 *     PackedCorpus#sample}); 0 = plain text only
 */
public record PretrainSettings(
    int steps,
    int batch,
    int seqLen,
    double lr,
    double minLrRatio,
    int warmup,
    double weightDecay,
    double clip,
    long seed,
    int evalEvery,
    int evalWindows,
    int saveEvery,
    double maxMinutes,
    int stopAfter,
    double copyFraction) {

  public PretrainSettings {
    check(steps > 0, "steps must be > 0, got " + steps);
    check(batch > 0, "batch must be > 0, got " + batch);
    check(seqLen >= 2, "seq-len must be >= 2, got " + seqLen);
    check(lr > 0, "lr must be > 0, got " + lr);
    check(minLrRatio >= 0 && minLrRatio <= 1, "min-lr-ratio must be in [0, 1], got " + minLrRatio);
    check(warmup >= 0, "warmup must be >= 0, got " + warmup);
    check(evalEvery > 0, "eval-every must be > 0, got " + evalEvery);
    check(evalWindows > 0, "eval-windows must be > 0, got " + evalWindows);
    check(saveEvery >= 0, "save-every must be >= 0, got " + saveEvery);
    check(maxMinutes >= 0, "max-minutes must be >= 0, got " + maxMinutes);
    check(
        copyFraction >= 0 && copyFraction <= 1,
        "copy-fraction must be in [0, 1], got " + copyFraction);
    check(
        stopAfter >= 0 && stopAfter <= steps,
        "stop-after must be in [0, steps=" + steps + "], got " + stopAfter);
  }

  /** The step the run ends at (without a wall-clock stop). */
  public int lastStep() {
    return stopAfter > 0 ? stopAfter : steps;
  }

  /** lr at 1-based step t. */
  public double lrAt(long t) {
    if (t <= warmup) {
      return lr * t / Math.max(1, warmup);
    }
    double progress = Math.min(1.0, (double) (t - warmup) / Math.max(1, steps - warmup));
    double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return lr * (minLrRatio + (1 - minLrRatio) * cosine);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
