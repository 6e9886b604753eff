package dev.cura.cli.demo;

import ai.djl.ndarray.NDManager;
import dev.cura.engine.model.CheckpointWeights;
import dev.cura.engine.model.InMemoryWeights;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.model.WeightSource;
import dev.cura.engine.nn.LoraLinear;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The base model as QLoRA trains on it — every decoder linear NF4 + double quantized — but with the
 * dequantized weights stored dense: the same numbers, without dequantizing 28 linears again for
 * every generated token (generation re-runs the whole prefix per token, so that cost would dominate
 * the demo's before/after).
 */
final class Nf4Dense {
  private Nf4Dense() {}

  /** Loads {@code dir}, quantizes its linears to NF4 and rebuilds it with W = dequant(NF4(W)). */
  static LlamaModel load(Path dir) throws IOException {
    LlamaConfig cfg = LlamaConfig.read(dir);
    InMemoryWeights mem = new InMemoryWeights();
    try (CheckpointWeights stored = CheckpointWeights.open(dir);
        LlamaModel quantized = LlamaLoader.load(dir, LoadOptions.cpu(LoadOptions.Quant.NF4));
        NDManager m = NDManager.newBaseManager()) {
      for (String name : stored.names()) {
        WeightSource.Tensor t = stored.read(name);
        // copy out of the mapped file, which closes with `stored`
        ByteBuffer copy = ByteBuffer.allocate(t.data().remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(t.data().duplicate()).flip();
        mem.put(name, t.dtype(), copy, t.shape());
      }
      for (LoraLinear lin : quantized.linears()) {
        float[] w = lin.base().dense(m).toFloatArray(); // [out, in]
        mem.putF32(lin.name() + ".weight", w, lin.base().outFeatures(), lin.base().inFeatures());
      }
    }
    return LlamaLoader.build(cfg, mem, LoadOptions.cpu(LoadOptions.Quant.NONE));
  }
}
