package dev.cura.engine.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.model.KvCache;
import dev.cura.engine.model.LlamaModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Autoregressive sampling: greedy (temperature 0) or temperature + nucleus (top-p) sampling,
 * stopping at an EOS id or after {@code maxNewTokens}. The prompt runs through the model once and
 * each new token alone after it, with the keys and values of earlier positions kept in a {@link
 * KvCache} (the same logits as re-running the whole prefix, at a cost linear in the length).
 */
public final class Generator {
  private Generator() {}

  /**
   * Sampling settings.
   *
   * @param maxNewTokens upper bound on generated tokens
   * @param temperature 0 = greedy
   * @param topP nucleus mass (1 = off)
   * @param seed sampling RNG seed
   */
  public record Settings(int maxNewTokens, double temperature, double topP, long seed) {
    public static Settings greedy(int maxNewTokens) {
      return new Settings(maxNewTokens, 0, 1, 0);
    }
  }

  /** The generated ids (without the prompt, without the EOS). */
  public static long[] generate(LlamaModel model, long[] prompt, Set<Integer> eos, Settings s) {
    List<Long> ids = new ArrayList<>();
    for (long id : prompt) {
      ids.add(id);
    }
    SplittableRandom rng = new SplittableRandom(s.seed());
    List<Long> out = new ArrayList<>();
    int vocab = model.config().vocabSize();
    try (NDManager root = NDManager.newBaseManager();
        KvCache cache = model.newCache(root)) {
      for (int n = 0; n < s.maxNewTokens(); n++) {
        float[] last;
        try (NDManager m = root.newSubManager()) {
          // the whole prompt first, then only the token picked last
          long[] seq =
              n == 0
                  ? ids.stream().mapToLong(Long::longValue).toArray()
                  : new long[] {ids.get(ids.size() - 1)};
          NDArray logits = model.logits(m.create(seq, new Shape(1, seq.length)), cache, m);
          last = logits.get(new NDIndex("0, -1, :")).toFloatArray();
        }
        int next = pick(last, vocab, s, rng);
        if (eos.contains(next)) {
          break;
        }
        ids.add((long) next);
        out.add((long) next);
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  static int pick(float[] logits, int vocab, Settings s, SplittableRandom rng) {
    if (s.temperature() <= 0) {
      int best = 0;
      for (int i = 1; i < vocab; i++) {
        if (logits[i] > logits[best]) {
          best = i;
        }
      }
      return best;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < vocab; i++) {
      max = Math.max(max, logits[i] / s.temperature());
    }
    double[] p = new double[vocab];
    double sum = 0;
    for (int i = 0; i < vocab; i++) {
      p[i] = Math.exp(logits[i] / s.temperature() - max);
      sum += p[i];
    }
    Integer[] order = new Integer[vocab];
    for (int i = 0; i < vocab; i++) {
      order[i] = i;
      p[i] /= sum;
    }
    Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
    double mass = 0;
    int keep = 0;
    while (keep < vocab && (keep == 0 || mass < s.topP())) {
      mass += p[order[keep++]];
    }
    double u = rng.nextDouble() * mass;
    for (int k = 0; k < keep; k++) {
      u -= p[order[k]];
      if (u <= 0) {
        return order[k];
      }
    }
    return order[keep - 1];
  }
}
