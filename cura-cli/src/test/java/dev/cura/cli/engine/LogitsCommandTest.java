package dev.cura.cli.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.cura.cli.Cli;
import dev.cura.core.safetensors.SafetensorsFile;
import dev.cura.core.tensor.DType;
import dev.cura.engine.model.CheckpointWriter;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./cura logits} writes "logits" F32 [T, V] equal to the engine's forward. */
class LogitsCommandTest {
  @Test
  void writesLogitsOfTheModel(@TempDir Path tmp) throws Exception {
    LlamaConfig cfg = LlamaConfig.of(40, 16, 32, 1, 2, 1, true);
    SplittableRandom rng = new SplittableRandom(1);
    List<CheckpointWriter.Entry> e = new ArrayList<>();
    e.add(entry(rng, "model.embed_tokens.weight", 40, 16));
    e.add(ones("model.layers.0.input_layernorm.weight", 16));
    e.add(entry(rng, "model.layers.0.self_attn.q_proj.weight", 16, 16));
    e.add(entry(rng, "model.layers.0.self_attn.k_proj.weight", 8, 16));
    e.add(entry(rng, "model.layers.0.self_attn.v_proj.weight", 8, 16));
    e.add(entry(rng, "model.layers.0.self_attn.o_proj.weight", 16, 16));
    e.add(ones("model.layers.0.post_attention_layernorm.weight", 16));
    e.add(entry(rng, "model.layers.0.mlp.gate_proj.weight", 32, 16));
    e.add(entry(rng, "model.layers.0.mlp.up_proj.weight", 32, 16));
    e.add(entry(rng, "model.layers.0.mlp.down_proj.weight", 16, 32));
    e.add(ones("model.norm.weight", 16));
    Path model = tmp.resolve("m");
    CheckpointWriter.write(model, cfg, e, DType.BF16, 1);
    Path out = tmp.resolve("logits.safetensors");
    int rc = Cli.run("logits", "--model", model, "--ids", "1,2,3,39", "--out", out);
    assertEquals(0, rc);
    try (SafetensorsFile f = SafetensorsFile.open(out);
        LlamaModel m = LlamaLoader.load(model, LoadOptions.cpu(LoadOptions.Quant.NONE));
        NDManager nd = NDManager.newBaseManager()) {
      assertEquals(DType.F32, f.info("logits").dtype());
      assertArrayEquals(new long[] {4, 40}, f.info("logits").shape());
      assertArrayEquals(m.logits(new long[] {1, 2, 3, 39}, nd), f.readFloats("logits"));
    }
    assertEquals(2, Cli.run("logits", "--model", model, "--ids", "1,x", "--out", out));
  }

  private static CheckpointWriter.Entry entry(SplittableRandom rng, String n, int r, int c) {
    float[] v = new float[r * c];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rng.nextDouble() - 0.5);
    }
    return new CheckpointWriter.Entry(n, v, new long[] {r, c});
  }

  private static CheckpointWriter.Entry ones(String n, int c) {
    float[] v = new float[c];
    java.util.Arrays.fill(v, 1f);
    return new CheckpointWriter.Entry(n, v, new long[] {c});
  }
}
