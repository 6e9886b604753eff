package dev.cura.engine.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cura.engine.model.CheckpointWriter;
import dev.cura.engine.model.InMemoryWeights;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.testutil.RandomLlama;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PretrainModelTest {
  static LlamaConfig config(boolean tied) {
    return LlamaConfig.of(64, 32, 48, 2, 4, 2, tied);
  }

  static PretrainModel fromRandom(LlamaConfig cfg, long seed, NDManager m) {
    Map<String, CheckpointWriter.Entry> byName =
        RandomLlama.entries(cfg, seed).stream()
            .collect(Collectors.toMap(CheckpointWriter.Entry::name, Function.identity()));
    List<PretrainModel.Spec> specs = PretrainModel.specs(cfg);
    float[][] values = new float[specs.size()][];
    for (int k = 0; k < values.length; k++) {
      values[k] = byName.get(specs.get(k).name()).values();
    }
    return PretrainModel.of(cfg, values, m);
  }

  /** The trainable forward is the engine's inference forward: same weights, same logits. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void logitsEqualLlamaModel(boolean tied) {
    LlamaConfig cfg = config(tied);
    long[] ids = {1, 7, 33, 2, 1, 63, 5, 9, 12, 40};
    try (NDManager root = NDManager.newBaseManager();
        PretrainModel model = fromRandom(cfg, 11, root)) {
      InMemoryWeights w = new InMemoryWeights();
      for (CheckpointWriter.Entry e : model.entries()) {
        w.putF32(e.name(), e.values(), e.shape());
      }
      float[] ours;
      try (NDManager m = root.newSubManager()) {
        ours =
            model
                .forward(m.create(ids, new ai.djl.ndarray.types.Shape(1, ids.length)), m)
                .toFloatArray();
      }
      try (LlamaModel ref = LlamaLoader.build(cfg, w, LoadOptions.cpu(LoadOptions.Quant.NONE))) {
        float[] expected = ref.logits(ids, root);
        assertEquals(expected.length, ours.length);
        double maxDiff = 0;
        for (int i = 0; i < ours.length; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(expected[i] - ours[i]));
        }
        // same float32 ops in a different association order: differences are rounding-level
        assertTrue(maxDiff < 1e-4, "max |Δlogit| = " + maxDiff);
      }
    }
  }

  /** One backward reaches every parameter, the input embedding included (untied head). */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void everyParameterGetsAGradient(boolean tied) {
    LlamaConfig cfg = config(tied);
    try (NDManager root = NDManager.newBaseManager();
        PretrainModel model = PretrainModel.init(cfg, 0.02, 3, root)) {
      long[] ids = {1, 7, 33, 2, 1, 63, 5, 9, 1, 5, 6, 7};
      double loss = Pretrainer.trainStep(model, ids, 2, 6, root);
      // random init, σ = 0.02: logits small, so the loss is near ln V (the tied head favours the
      // input token a little: its own embedding is in the residual stream)
      assertEquals(Math.log(64), loss, 0.15);
      for (int k = 0; k < model.specs().size(); k++) {
        double sq = 0;
        for (float g : model.gradient(k)) {
          sq += g * g;
        }
        assertTrue(sq > 0, model.specs().get(k).name() + " got no gradient");
      }
      if (!tied) {
        // rows of tokens that never occur in the input get no embedding gradient
        float[] g = model.gradient(0);
        for (int c = 0; c < cfg.hidden(); c++) {
          assertEquals(0f, g[50 * cfg.hidden() + c], "embedding row 50 is not in the input");
        }
        double row7 = 0;
        for (int c = 0; c < cfg.hidden(); c++) {
          row7 += Math.abs(g[7 * cfg.hidden() + c]);
        }
        assertTrue(row7 > 0, "embedding row 7 is in the input and must get a gradient");
      }
    }
  }
}
