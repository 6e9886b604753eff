package dev.cura.tools.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cura.core.quant.DynamicMap;
import dev.cura.core.quant.QuantType;
import dev.cura.engine.model.DecoderLayer;
import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.model.LlamaLoader;
import dev.cura.engine.model.LlamaModel;
import dev.cura.engine.model.LoadOptions;
import dev.cura.engine.nn.DenseWeight;
import dev.cura.engine.nn.FrozenWeight;
import dev.cura.engine.nn.LoraLinear;
import dev.cura.engine.nn.Nd;
import dev.cura.engine.nn.Nf4Weight;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random models of any family ({@link LlamaLoader#linearShapes}) built directly in memory, for
 * benchmarks: decoder linears as NF4 with double quantization (random packed codes — NF4 codes of
 * Gaussian weights are close to uniform by construction — and block constants near 0.03), or the
 * same weights dequantized to dense float32, so the two variants compute with identical effective
 * weights. Embedding and lm_head are random normal (std 0.02), stored as float16 when {@code
 * halfEmbeddings} (a 10B model's 262M embedding parameters would otherwise take 1 GiB).
 */
public final class SyntheticLlama {
  private SyntheticLlama() {}

  public static LlamaModel build(
      LlamaConfig cfg, LoadOptions.Quant quant, boolean halfEmbeddings, long seed) {
    NDManager m = NDManager.newBaseManager();
    SplittableRandom rng = new SplittableRandom(seed);
    DataType f32 = DataType.FLOAT32;
    DataType embType = halfEmbeddings ? DataType.FLOAT16 : f32;
    int c = cfg.hidden();
    NDArray embed = normal(m, cfg.vocabSize(), c, embType);
    List<DecoderLayer> layers = new ArrayList<>();
    for (int i = 0; i < cfg.layers(); i++) {
      String p = "model.layers." + i + ".";
      boolean gemma = cfg.arch().gemmaNorms();
      DecoderLayer.Norms norms =
          new DecoderLayer.Norms(
              m.ones(new Shape(c)),
              m.ones(new Shape(c)),
              gemma ? m.ones(new Shape(c)) : null,
              gemma ? m.ones(new Shape(c)) : null,
              cfg.arch().qkNorm() ? m.ones(new Shape(cfg.headDim())) : null,
              cfg.arch().qkNorm() ? m.ones(new Shape(cfg.headDim())) : null);
      List<LoraLinear> linears = new ArrayList<>();
      for (LlamaLoader.LinearShape s : LlamaLoader.linearShapes(cfg)) {
        LoraLinear l = linear(m, p + s.module(), s.out(), s.in(), quant, rng);
        linears.add(s.bias() ? new LoraLinear(l.name(), l.base(), m.zeros(new Shape(s.out()))) : l);
      }
      layers.add(new DecoderLayer(cfg, i, norms, linears));
    }
    FrozenWeight head = new DenseWeight(normal(m, cfg.vocabSize(), c, embType));
    return new LlamaModel(
        cfg, LoadOptions.cpu(quant), m, embed, layers, m.ones(new Shape(c)), head);
  }

  private static NDArray normal(NDManager m, int rows, int cols, DataType type) {
    if (type == DataType.FLOAT32) {
      return m.randomNormal(0, 0.02f, new Shape(rows, cols), DataType.FLOAT32);
    }
    // in row chunks: a float32 copy of a whole 10B-model embedding would be 0.5 GB of peak
    NDArray out = m.zeros(new Shape(rows, cols), type);
    int chunk = 2048;
    for (int r = 0; r < rows; r += chunk) {
      int n = Math.min(chunk, rows - r);
      try (NDManager t = m.newSubManager()) {
        NDArray part = t.randomNormal(0, 0.02f, new Shape(n, cols), DataType.FLOAT32);
        out.set(new ai.djl.ndarray.index.NDIndex("{}:{}", r, r + n), part.toType(type, false));
      }
    }
    return out;
  }

  private static LoraLinear linear(
      NDManager m, String name, int out, int in, LoadOptions.Quant quant, SplittableRandom rng) {
    long n = (long) out * in;
    int blocks = (int) ((n + 63) / 64);
    byte[] packed = new byte[(int) ((n + 1) / 2)];
    rng.nextBytes(packed);
    byte[] qabsmax = new byte[blocks];
    for (int b = 0; b < blocks; b++) {
      qabsmax[b] = (byte) (96 + rng.nextInt(64)); // signed map indices around zero: ± ~0.5
    }
    float[] nested = new float[(blocks + 255) / 256];
    java.util.Arrays.fill(nested, 0.02f);
    NDArray packedNd = Nd.uint8(m, packed);
    NDArray absmax = Nd.uint8(m, qabsmax);
    Nf4Weight w =
        new Nf4Weight(
            m,
            out,
            in,
            64,
            packedNd,
            QuantType.NF4.code(),
            absmax,
            m.create(nested),
            m.create(DynamicMap.signed()),
            0.03f,
            256,
            DataType.FLOAT32);
    if (!quant.dense()) {
      return new LoraLinear(name, w);
    }
    NDArray dense = w.dense(m);
    w.close();
    return new LoraLinear(name, new DenseWeight(dense));
  }
}
