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
 * sliding window, which the cached mask must apply too. Bound 1e-5: the same float32 math, only
 * reduction order differs.
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
          for (int i = 0; i < n * v; i++) {
            assertEquals(full[at * v + i], got[i], 1e-5, "position " + (at + i / v));
          }
        }
        at += n;
        assertEquals(at, cache.length());
      }
    }
  }
}
