package dev.cura.core.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.hf.CheckpointDir;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCheckpointTest {
  @TempDir Path tmp;

  @Test
  void realisticShapes() {
    LlamaShape one = LlamaShape.forParams(LlamaShape.parseParams("1B"));
    assertEquals(2048, one.hidden());
    assertEquals(5632, one.intermediate()); // 2.7 × 2048 = 5529.6 → 5632 (multiple of 256)
    assertEquals(16, one.heads());
    assertEquals(4, one.kvHeads());
    assertTrue(Math.abs(one.params() - 1e9) < 0.03e9, "" + one.params());
    LlamaShape ten = LlamaShape.forParams(LlamaShape.parseParams("10B"));
    assertTrue(Math.abs(ten.params() - 10e9) < 0.2e9, "" + ten.params());
    assertEquals(1_500_000_000L, LlamaShape.parseParams("1.5B"));
  }

  @Test
  void deterministicFromSeedAndNormal() throws Exception {
    LlamaShape s = new LlamaShape(256, 1, 2, 1, 768, 500);
    SyntheticCheckpoint.write(s, 7, tmp.resolve("a"), b -> {});
    SyntheticCheckpoint.write(s, 7, tmp.resolve("b"), b -> {});
    SyntheticCheckpoint.write(s, 8, tmp.resolve("c"), b -> {});
    try (CheckpointDir a = CheckpointDir.open(tmp.resolve("a"));
        CheckpointDir b = CheckpointDir.open(tmp.resolve("b"));
        CheckpointDir c = CheckpointDir.open(tmp.resolve("c"))) {
      String n = "model.layers.0.mlp.up_proj.weight";
      assertArrayEquals(
          a.fileOf(n).data(n).toArray(ValueLayout.JAVA_BYTE),
          b.fileOf(n).data(n).toArray(ValueLayout.JAVA_BYTE));
      float[] w = a.readFloats(n);
      float[] w2 = c.readFloats(n);
      assertTrue(w[0] != w2[0] || w[1] != w2[1]);
      double sum = 0;
      double sq = 0;
      for (float v : w) {
        sum += v;
        sq += v * v;
      }
      double mean = sum / w.length;
      double std = Math.sqrt(sq / w.length - mean * mean);
      assertEquals(0.02, std, 0.0005);
      assertEquals(0.0, mean, 0.0005);
      assertEquals(1.0f, a.readFloats("model.norm.weight")[3]);
      assertEquals(s.params(), a.tensorNames().stream().mapToLong(t -> a.info(t).numel()).sum());
    }
  }
}
