package dev.cura.tools.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.tensor.DType;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainerTest {
  /**
   * A stream of short "documents" from a tiny grammar: {@code <s> a b c … </s>} where each next
   * token is determined by the previous one (a fixed random permutation), started at a random
   * token. A model that learns it predicts everything but the first token of each document.
   */
  static int[] grammarStream(int docs, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] next = new int[64];
    List<Integer> perm = new ArrayList<>();
    for (int i = 4; i < 64; i++) {
      perm.add(i);
    }
    java.util.Collections.shuffle(perm, new java.util.Random(7));
    for (int i = 4; i < 64; i++) {
      next[i] = perm.get(i - 4);
    }
    List<Integer> out = new ArrayList<>();
    for (int d = 0; d < docs; d++) {
      out.add(1);
      int tok = 4 + rng.nextInt(60);
      for (int j = 0; j < 6; j++) {
        out.add(tok);
        tok = next[tok];
      }
      out.add(2);
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void heldOutLossDropsOnALearnableCorpus(@TempDir Path dir) throws Exception {
    LlamaConfig cfg = LlamaConfig.of(64, 32, 48, 2, 4, 2, true);
    PackedCorpus corpus = PackedCorpus.of(grammarStream(400, 1), grammarStream(40, 2));
    PretrainSettings s =
        new PretrainSettings(80, 8, 24, 1e-2, 0.1, 10, 0.0, 1.0, 5, 40, 8, 0, 0, 0, 0);
    List<Long> checkpoints = new ArrayList<>();
    try (NDManager root = NDManager.newBaseManager();
        TrainableLlama model = TrainableLlama.init(cfg, 0.02, 5)) {
      double before = Pretrainer.evaluate(model.model(), corpus.heldOutWindows(24, 8), 8, 24, root);
      Pretrainer.Result r =
          Pretrainer.run(
              model,
              corpus,
              s,
              new Pretrainer.Listener() {
                @Override
                public void checkpoint(long step, TrainableLlama m, Pretrainer.Result soFar) {
                  checkpoints.add(step);
                }
              },
              root);
      assertEquals(80, r.steps().size());
      assertEquals(List.of(40L, 80L), r.evals().stream().map(Pretrainer.EvalPoint::step).toList());
      assertEquals(List.of(80L), checkpoints);
      double after = r.evals().get(1).loss();
      // before ≈ ln 64 = 4.16; 6 of the 8 predictions per document are determined, so a model
      // that learned the grammar is far below; half of the start loss is a loose, safe bar
      assertEquals(Math.log(64), before, 0.1);
      assertTrue(after < before / 2, "held-out loss " + before + " → " + after);
      assertFalse(r.stoppedEarly());
      // the copy probe (span 8 of random held-out tokens, written twice) is measured with every
      // held-out loss; ln 64 is what a model that does not copy pays per token at best
      for (Pretrainer.EvalPoint e : r.evals()) {
        assertTrue(e.copyLoss() != null && e.copyLoss() > 0, "copy probe at " + e);
      }

      // the written directory loads again and gives the same predictions (bf16 weights)
      ObjectNode json = (ObjectNode) cfg.toJson();
      json.put("pad_token_id", 3);
      Files.writeString(dir.resolve("tokenizer.json"), "{}");
      Path out = dir.resolve("out");
      PretrainOutput.write(out, model, json, DType.BF16, dir, s, r, Map.of("note", "test"));
      JsonNode written = new ObjectMapper().readTree(out.resolve("config.json").toFile());
      assertEquals(3, written.path("pad_token_id").asInt(), "config fields are kept");
      assertEquals("bfloat16", written.path("torch_dtype").asText());
      assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
      JsonNode metrics = new ObjectMapper().readTree(out.resolve("pretrain-metrics.json").toFile());
      assertEquals(80, metrics.path("train").size());
      assertEquals(
          r.evals().get(1).copyLoss(),
          metrics.path("heldout").path(1).path("copy_probe_loss").asDouble(),
          1e-12);
      assertEquals(81, Files.readAllLines(out.resolve("loss-curve.csv")).size());
      try (LlamaModel loaded = LlamaLoader.load(out, LoadOptions.cpu(LoadOptions.Quant.NONE))) {
        long[] window = corpus.heldOutWindows(24, 1);
        double ref = Pretrainer.evaluate(model.model(), window, 1, 24, root);
        double viaEngine = Pretrainer.evaluate(loaded, window, 1, 24, root);
        // bf16 rounding of the weights (8 significant bits) moves the loss a little
        assertEquals(ref, viaEngine, 0.05 * Math.max(1, ref));
      }
    }
  }

  @Test
  void lrScheduleWarmsUpThenDecaysToTheFloor() {
    PretrainSettings s = new PretrainSettings(100, 1, 2, 1e-3, 0.1, 10, 0, 0, 1, 10, 1, 0, 0, 0, 0);
    assertEquals(1e-4, s.lrAt(1), 1e-12);
    assertEquals(1e-3, s.lrAt(10), 1e-12);
    assertEquals(0.55e-3, s.lrAt(55), 1e-9);
    assertEquals(1e-4, s.lrAt(100), 1e-12);
  }

  @Test
  void stopAfterReplaysTheFirstStepsOfALongerRun() {
    LlamaConfig cfg = LlamaConfig.of(64, 32, 48, 2, 4, 2, true);
    PackedCorpus corpus = PackedCorpus.of(grammarStream(100, 1), grammarStream(10, 2));
    PretrainSettings full =
        new PretrainSettings(6, 2, 16, 1e-2, 0.1, 2, 0.0, 1.0, 5, 100, 2, 0, 0, 0, 0);
    PretrainSettings cut =
        new PretrainSettings(6, 2, 16, 1e-2, 0.1, 2, 0.0, 1.0, 5, 100, 2, 0, 0, 3, 0);
    try (NDManager root = NDManager.newBaseManager();
        TrainableLlama a = TrainableLlama.init(cfg, 0.02, 5);
        TrainableLlama b = TrainableLlama.init(cfg, 0.02, 5)) {
      Pretrainer.Result ra = Pretrainer.run(a, corpus, full, new Pretrainer.Listener() {}, root);
      Pretrainer.Result rb = Pretrainer.run(b, corpus, cut, new Pretrainer.Listener() {}, root);
      assertEquals(3, rb.steps().size());
      assertTrue(rb.stoppedEarly());
      for (int i = 0; i < 3; i++) {
        // same seed, same windows, same lr schedule: the same losses, bit for bit
        assertEquals(ra.steps().get(i).loss(), rb.steps().get(i).loss(), 0);
        assertEquals(ra.steps().get(i).lr(), rb.steps().get(i).lr(), 0);
      }
    }
  }

  @Test
  void aRunStoppedAndResumedFromItsStateEndsWhereAnUninterruptedRunEnds(@TempDir Path dir)
      throws Exception {
    LlamaConfig cfg = LlamaConfig.of(64, 32, 48, 2, 4, 2, true);
    PackedCorpus corpus = PackedCorpus.of(grammarStream(100, 1), grammarStream(10, 2));
    // weight decay on, so both optimizers (matrices with decay, norm weights without) matter
    PretrainSettings full =
        new PretrainSettings(6, 2, 16, 1e-2, 0.1, 2, 0.1, 1.0, 5, 2, 2, 2, 0, 0, 0);
    PretrainSettings cut =
        new PretrainSettings(6, 2, 16, 1e-2, 0.1, 2, 0.1, 1.0, 5, 2, 2, 2, 0, 4, 0);
    Path state = dir.resolve("state");
    try (NDManager root = NDManager.newBaseManager();
        TrainableLlama a = TrainableLlama.init(cfg, 0.02, 5);
        TrainableLlama b = TrainableLlama.init(cfg, 0.02, 5);
        TrainableLlama c = TrainableLlama.init(cfg, 0.02, 99)) {
      Pretrainer.Result ra = Pretrainer.run(a, corpus, full, new Pretrainer.Listener() {}, root);
      Pretrainer.run(b, corpus, cut, new Pretrainer.Listener() {}, root, state, null);
      assertTrue(PretrainState.exists(state));
      PretrainState saved = PretrainState.load(state, full);
      assertEquals(4, saved.step());
      // c starts from other random weights: everything it ends with comes from the state
      Pretrainer.Result rc =
          Pretrainer.run(c, corpus, full, new Pretrainer.Listener() {}, root, state, saved);
      assertEquals(6, rc.steps().size());
      assertEquals(ra.tokensSeen(), rc.tokensSeen());
      assertEquals(ra.evals().size(), rc.evals().size());
      for (int i = 0; i < 6; i++) {
        assertEquals(ra.steps().get(i).loss(), rc.steps().get(i).loss(), 1e-6, "step " + (i + 1));
      }
      for (int k = 0; k < a.params().size(); k++) {
        float[] x = a.params().get(k).value().toFloatArray();
        float[] y = c.params().get(k).value().toFloatArray();
        for (int j = 0; j < x.length; j++) {
          assertEquals(x[j], y[j], 1e-6f, a.params().get(k).name() + "[" + j + "]");
        }
      }
      // only the newest state is kept: state.json and one state directory
      try (var files = Files.list(state)) {
        assertEquals(2, files.count());
      }
      PretrainSettings otherLr =
          new PretrainSettings(6, 2, 16, 2e-2, 0.1, 2, 0.1, 1.0, 5, 2, 2, 2, 0, 0, 0);
      IllegalArgumentException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class, () -> PretrainState.load(state, otherLr));
      assertTrue(e.getMessage().contains("settings"), e.getMessage());
    }
  }
}
