package dev.cura.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.cura.core.quantize.CheckpointQuantizer;
import dev.cura.core.quantize.QuantizeListener;
import dev.cura.core.quantize.QuantizeSettings;
import dev.cura.engine.nn.Nf4Weight;
import dev.cura.engine.testutil.TinyModelDir;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quantized artifact written by cura-core's quantizer (bitsandbytes keys) loads as packed NF4 and
 * computes exactly what {@code --quant nf4} on the original checkpoint computes (same codec, same
 * codes and constants).
 */
class QuantizedArtifactTest {
  @Test
  void artifactLoadsAndEqualsInMemoryQuantization(@TempDir Path tmp) throws Exception {
    Path src = TinyModelDir.create(tmp.resolve("src"), 5);
    Path art = tmp.resolve("art");
    CheckpointQuantizer.quantize(src, art, QuantizeSettings.defaults(), new QuantizeListener() {});
    long[] ids = {1, 10, 20, 30, 40, 50};
    try (LlamaModel fromArtifact = LlamaLoader.load(art, LoadOptions.cpu(LoadOptions.Quant.NONE));
        LlamaModel inMemory = LlamaLoader.load(src, LoadOptions.cpu(LoadOptions.Quant.NF4));
        LlamaModel dense = LlamaLoader.load(src, LoadOptions.cpu(LoadOptions.Quant.NONE));
        NDManager m = NDManager.newBaseManager()) {
      assertTrue(fromArtifact.linears().get(0).base() instanceof Nf4Weight);
      float[] a = fromArtifact.logits(ids, m);
      float[] b = inMemory.logits(ids, m);
      assertArrayEquals(b, a);
      float[] c = dense.logits(ids, m);
      double diff = 0;
      for (int i = 0; i < a.length; i++) {
        diff = Math.max(diff, Math.abs(a[i] - c[i]));
      }
      assertTrue(diff > 0, "NF4 must differ from the dense model somewhere");
      assertTrue(fromArtifact.residentWeightBytes() < dense.residentWeightBytes());
    }
  }
}
