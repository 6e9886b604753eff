package dev.cura.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class Nf4DenseTest {
  static final Path MODEL = Path.of("..", "models", "cura-tiny");

  /** Dense storage of the dequantized NF4 weights computes what the packed NF4 model computes. */
  @Test
  void logitsEqualThePackedNf4Model() throws Exception {
    long[] ids = {1, 5, 10, 200, 3000, 17, 6, 10, 42};
    try (NDManager root = NDManager.newBaseManager();
        LlamaModel packed = LlamaLoader.load(MODEL, LoadOptions.cpu(LoadOptions.Quant.NF4));
        LlamaModel dense = Nf4Dense.load(MODEL);
        LlamaModel unquantized = LlamaLoader.load(MODEL, LoadOptions.cpu(LoadOptions.Quant.NONE))) {
      float[] a = packed.logits(ids, root);
      float[] b = dense.logits(ids, root);
      float[] c = unquantized.logits(ids, root);
      double maxDiff = 0;
      double quantEffect = 0;
      for (int i = 0; i < a.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
        quantEffect = Math.max(quantEffect, Math.abs(c[i] - b[i]));
      }
      assertEquals(a.length, b.length);
      // same weights, same float32 matmuls: rounding-level differences only
      assertTrue(maxDiff < 1e-3, "max |Δlogit| packed vs dense NF4 = " + maxDiff);
      // and it is really the quantized model, not the original weights
      assertTrue(quantEffect > 100 * maxDiff, "NF4 vs original differ by " + quantEffect);
    }
  }
}
