package dev.cura.engine.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.testutil.RandomLlama;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GeneratorTest {
  /** Greedy decoding the slow, obvious way: the whole prefix through the model for every token. */
  static long[] naiveGreedy(LlamaModel model, long[] prompt, int n, Set<Integer> eos) {
    List<Long> ids = new ArrayList<>();
    for (long id : prompt) {
      ids.add(id);
    }
    List<Long> out = new ArrayList<>();
    int v = model.config().vocabSize();
    try (NDManager root = NDManager.newBaseManager()) {
      for (int i = 0; i < n; i++) {
        float[] logits = model.logits(ids.stream().mapToLong(Long::longValue).toArray(), root);
        int best = 0;
        int last = (ids.size() - 1) * v;
        for (int j = 1; j < v; j++) {
          if (logits[last + j] > logits[last + best]) {
            best = j;
          }
        }
        if (eos.contains(best)) {
          break;
        }
        ids.add((long) best);
        out.add((long) best);
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  @Test
  void cachedGreedyDecodingPicksTheSameTokensAsRerunningThePrefix() {
    LlamaConfig cfg = LlamaConfig.of(128, 64, 96, 2, 4, 2, false);
    try (LlamaModel model =
        LlamaLoader.build(
            cfg, RandomLlama.weights(cfg, 11), LoadOptions.cpu(LoadOptions.Quant.NONE))) {
      long[] prompt = {1, 17, 33, 90, 4};
      long[] want = naiveGreedy(model, prompt, 24, Set.of());
      long[] got = Generator.generate(model, prompt, Set.of(), Generator.Settings.greedy(24));
      assertEquals(24, got.length);
      assertArrayEquals(want, got);
    }
  }
}
