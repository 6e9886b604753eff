package dev.cura.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.engine.data.Example;
import dev.cura.engine.data.ExampleBuilder;
import dev.cura.engine.data.JsonlDataset;
import dev.cura.engine.data.TextTokenizer;
import dev.cura.engine.model.InMemoryWeights;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.LoraConfig;
import dev.cura.engine.peft.PeftAdapter;
import dev.cura.engine.testutil.RandomLlama;
import dev.cura.engine.testutil.ReferenceLlama;
import dev.cura.engine.testutil.TinyModelDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  static final String[][] FACTS = {
    {"capital of france?", " paris"},
    {"capital of italy?", " rome"},
    {"capital of spain?", " madrid"},
    {"color of the sky?", " blue"},
    {"color of grass?", " green"},
    {"two plus two?", " four"},
    {"opposite of hot?", " cold"},
    {"animal that barks?", " dog"},
  };

  static Path data(Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String[] f : FACTS) {
      lines.add("{\"prompt\": \"" + f[0] + "\", \"completion\": \"" + f[1] + "\"}");
    }
    return TinyModelDir.jsonl(dir.resolve("train.jsonl"), lines);
  }

  /** {@link #data} written into {@code dir}, as the model's training examples of 32 tokens. */
  static List<Example> examples(Path model, Path dir) throws Exception {
    try (TextTokenizer tok = TextTokenizer.load(model, LlamaConfig.read(model))) {
      return new ExampleBuilder(tok, 32).buildAll(JsonlDataset.read(data(dir)));
    }
  }

  static TrainConfig config(Path model, Path data, Path out, LoadOptions.Quant quant, int steps) {
    return TrainConfig.builder()
        .setModel(model)
        .setData(data)
        .setOutput(out)
        .optSpec(
            s ->
                s.quantType(quant.specName())
                    .loraR(8)
                    .loraAlpha(16.0)
                    .loraDropout(0.0)
                    .learningRate(1e-2)
                    .maxSteps(steps)
                    .batchSize(4)
                    .seqLen(32)
                    .maxGradNorm(1.0)
                    .warmupRatio(0.0)
                    .seed(7L)
                    .checkpointEvery(steps))
        .optPagedResidentBytes(1L << 20)
        .build();
  }

  /**
   * The acceptance bar: the loss of a learnable task drops by more than 20% in 60 steps on
   * a tiny model — here QLoRA proper (NF4 base, LoRA on all linears, paged AdamW).
   */
  @Test
  void lossOfLearnableTaskDropsMoreThan20PercentIn60Steps(@TempDir Path tmp) throws Exception {
    Path model = TinyModelDir.create(tmp.resolve("model"), 1);
    Path out = tmp.resolve("out");
    TrainResult r =
        Trainer.run(
            config(model, data(tmp), out, LoadOptions.Quant.NF4, 60), TrainingListener.NONE);
    double first = (r.losses().get(0) + r.losses().get(1)) / 2;
    double last = (r.losses().get(58) + r.losses().get(59)) / 2;
    assertTrue(last < 0.8 * first, "loss " + first + " → " + last);

    JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertEquals(60, metrics.get("losses").size());
    assertTrue(metrics.get("tokens_per_second").asDouble() > 0);
    assertTrue(metrics.get("peak_rss_bytes").asLong() > 0);
    assertEquals("nf4", metrics.get("config").get("quant").asText());
    JsonNode ac = new ObjectMapper().readTree(out.resolve("adapter_config.json").toFile());
    assertEquals("LORA", ac.get("peft_type").asText());
    assertEquals("CAUSAL_LM", ac.get("task_type").asText());
    assertEquals(8, ac.get("r").asInt());
    try (SafetensorsFile f = SafetensorsFile.open(out.resolve("adapter_model.safetensors"))) {
      var a = f.info("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
      var b = f.info("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight");
      assertArrayEquals(new long[] {8, 32}, a.shape());
      assertArrayEquals(new long[] {32, 8}, b.shape());
      assertEquals(2 * 7 * 2, f.tensors().size());
    }
  }

  /** Stopping after 3 steps and resuming gives bit-identical adapters and losses to 6 straight. */
  @Test
  void resumeIsBitExact(@TempDir Path tmp) throws Exception {
    Path model = TinyModelDir.create(tmp.resolve("model"), 2);
    Path data = data(tmp);
    TrainConfig straight =
        config(model, data, tmp.resolve("a"), LoadOptions.Quant.NF4, 6).toBuilder()
            .optSpec(
                s ->
                    s.loraR(4)
                        .loraAlpha(8.0)
                        .loraDropout(0.1)
                        .batchSize(2)
                        .gradientAccumulationSteps(2)
                        .weightDecay(0.01)
                        .maxGradNorm(0.3)
                        .warmupRatio(0.3) // ⌈0.3 · 6⌉ = 2 warmup steps
                        .seed(11L)
                        .packing(true)
                        .checkpointEvery(3))
            .build();
    TrainResult a = Trainer.run(straight, TrainingListener.NONE);

    Path outB = tmp.resolve("b");
    TrainConfig first = straight.toBuilder().setOutput(outB).build();
    int[] seen = {0};
    Trainer.run(
        first,
        new TrainingListener() {
          @Override
          public void onStep(StepMetrics s) {
            seen[0]++;
          }

          @Override
          public boolean isCancelled() {
            return seen[0] == 3;
          }
        });
    TrainResult b = Trainer.run(first.toBuilder().optResume(true).build(), TrainingListener.NONE);

    assertEquals(a.losses(), b.losses());
    try (SafetensorsFile fa = SafetensorsFile.open(a.adapterDir().resolve(PeftAdapter.WEIGHTS));
        SafetensorsFile fb = SafetensorsFile.open(outB.resolve(PeftAdapter.WEIGHTS))) {
      for (String name : fa.tensors().keySet()) {
        assertArrayEquals(fa.readFloats(name), fb.readFloats(name), name);
      }
    }
  }

  /**
   * A trained adapter loads under PEFT's rule: logits with the adapter equal a float64 reference
   * forward whose weights are W + B·A·α/r (bound 2e-3 relative, as the forward parity).
   */
  @Test
  void trainedAdapterMatchesPeftMergeRule(@TempDir Path tmp) throws Exception {
    Path modelDir = TinyModelDir.create(tmp.resolve("model"), 3);
    Path out = tmp.resolve("out");
    Trainer.run(config(modelDir, data(tmp), out, LoadOptions.Quant.NONE, 8), TrainingListener.NONE);

    LlamaConfig cfg = TinyModelDir.config();
    InMemoryWeights base = RandomLlama.weights(cfg, 3);
    Map<String, double[]> deltas = new HashMap<>();
    LoraConfig lc = PeftAdapter.readConfig(out);
    try (SafetensorsFile f = SafetensorsFile.open(out.resolve(PeftAdapter.WEIGHTS))) {
      for (String key : f.tensors().keySet()) {
        if (!key.endsWith(".lora_A.weight")) {
          continue;
        }
        String module =
            key.substring("base_model.model.".length(), key.length() - ".lora_A.weight".length());
        float[] a = f.readFloats(key);
        float[] b = f.readFloats(key.replace("lora_A", "lora_B"));
        int r = (int) f.info(key).shape()[0];
        int in = a.length / r;
        int outF = b.length / r;
        double[] d = new double[outF * in];
        for (int o = 0; o < outF; o++) {
          for (int i = 0; i < in; i++) {
            double s = 0;
            for (int k = 0; k < r; k++) {
              s += (double) b[o * r + k] * a[k * in + i];
            }
            d[o * in + i] = s * lc.alpha() / lc.rank();
          }
        }
        deltas.put(module, d);
      }
    }
    assertEquals(14, deltas.size());
    long[] ids = {1, 40, 70, 72, 60, 3, 9, 50};
    double[][] want = new ReferenceLlama(cfg, base, deltas).logits(ids);
    try (LlamaModel model = LlamaLoader.load(modelDir, LoadOptions.cpu(LoadOptions.Quant.NONE));
        NDManager m = NDManager.newBaseManager()) {
      PeftAdapter.load(out, model);
      float[] got = model.logits(ids, m);
      double maxErr = 0, maxRef = 0, maxDelta = 0;
      double[][] plain = new ReferenceLlama(cfg, base, Map.of()).logits(ids);
      for (int t = 0; t < ids.length; t++) {
        for (int v = 0; v < cfg.vocabSize(); v++) {
          maxErr = Math.max(maxErr, Math.abs(got[t * cfg.vocabSize() + v] - want[t][v]));
          maxRef = Math.max(maxRef, Math.abs(want[t][v]));
          maxDelta = Math.max(maxDelta, Math.abs(want[t][v] - plain[t][v]));
        }
      }
      assertTrue(maxErr / maxRef < 2e-3, "relative error " + maxErr / maxRef);
      assertTrue(maxDelta > 10 * maxErr, "the adapter must change the logits: " + maxDelta);
    }
    assertTrue(Files.isRegularFile(out.resolve("metrics.json")));
  }
}
