package dev.cura.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.testutil.RandomLlama;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Logits through the key/value cache, fed in pieces (a prompt, then one token at a time), equal the
 * rows of one full forward over the whole sequence — with grouped-query heads and with mistral's
 * sliding window, which the cached mask must apply too.
 *
 * <p>Bound: 1e-5 of the position's largest |logit|. Both sides are the same float32 math with the
 * matrix products in other shapes ([1, n] pieces against [1, 12]), so BLAS sums in another order —
 * and which order depends on the CPU the kernels were chosen for: on an AVX-512 EPYC the gap is
 * 1.24e-5 at a logit of −10.45 (1.2e-6 relative, about 10 float32 ulps), which an absolute 1e-5
 * refused on that machine and not on the one the test was written on. A wrong mask, position or
 * cache row moves logits by O(1), five orders of magnitude above the bound.
 */
class KvCacheTest {
  static final long[] IDS = {1, 5, 9, 42, 7, 99, 3, 64, 11, 0, 77, 23};

  @Test
  void cachedLogitsEqualAFullForwardWithGroupedQueryHeads() {
    check(LlamaConfig.of(128, 64, 96, 2, 4, 2, false));
  }

  @Test
  void cachedLogitsKeepMistralsSlidingWindow() {
    check(RandomLlama.smallMistral(10000.0, true, 4));
  }

  static void check(LlamaConfig cfg) {
    int v = cfg.vocabSize();
    try (LlamaModel model =
            LlamaLoader.build(
                cfg, RandomLlama.weights(cfg, 7), LoadOptions.cpu(LoadOptions.Quant.NONE));
        NDManager root = NDManager.newBaseManager();
        KvCache cache = model.newCache(root)) {
      float[] full = model.logits(IDS, root);
      int[] pieces = {5, 1, 1, 3, 1, 1};
      int at = 0;
      for (int n : pieces) {
        long[] piece = Arrays.copyOfRange(IDS, at, at + n);
        try (NDManager m = root.newSubManager()) {
          NDArray logits = model.logits(m.create(piece, new Shape(1, n)), cache, m);
          float[] got = logits.toFloatArray();
          for (int r = 0; r < n; r++) {
            int position = at + r;
            double bound = 1e-5 * maxAbs(full, position * v, v);
            for (int j = 0; j < v; j++) {
              assertEquals(full[position * v + j], got[r * v + j], bound, "position " + position);
            }
          }
        }
        at += n;
        assertEquals(at, cache.length());
      }
    }
  }

  private static double maxAbs(float[] values, int from, int count) {
    double max = 0;
    for (int i = from; i < from + count; i++) {
      max = Math.max(max, Math.abs(values[i]));
    }
    return max;
  }
}
