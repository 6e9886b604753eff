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
    return build(cfg, LoadOptions.cpu(quant), halfEmbeddings, seed);
  }

  /**
   * As above on {@code options}' device and compute dtype: norms, dense linears and embeddings in
   * the compute dtype (bf16 embedding and lm_head when {@code halfEmbeddings} and computing in
   * float32).
   */
  public static LlamaModel build(
      LlamaConfig cfg, LoadOptions options, boolean halfEmbeddings, long seed) {
    NDManager m = NDManager.newBaseManager(options.device());
    LoadOptions.Quant quant = options.quant();
    DataType compute = options.computeDtype();
    SplittableRandom rng = new SplittableRandom(seed);
    DataType embType = embeddingDtype(compute, halfEmbeddings);
    int c = cfg.hidden();
    NDArray embed = normal(m, cfg.vocabSize(), c, embType);
    List<DecoderLayer> layers = new ArrayList<>();
    for (int i = 0; i < cfg.layers(); i++) {
      String p = "model.layers." + i + ".";
      boolean gemma = cfg.arch().gemmaNorms();
      DecoderLayer.Norms norms =
          new DecoderLayer.Norms(
              ones(m, c, compute),
              ones(m, c, compute),
              gemma ? ones(m, c, compute) : null,
              gemma ? ones(m, c, compute) : null,
              cfg.arch().qkNorm() ? ones(m, cfg.headDim(), compute) : null,
              cfg.arch().qkNorm() ? ones(m, cfg.headDim(), compute) : null);
      List<LoraLinear> linears = new ArrayList<>();
      for (LlamaLoader.LinearShape s : LlamaLoader.linearShapes(cfg)) {
        LoraLinear l = linear(m, p + s.module(), s.out(), s.in(), options, rng);
        linears.add(s.bias() ? new LoraLinear(l.name(), l.base(), zeros(m, s.out(), compute)) : l);
      }
      layers.add(new DecoderLayer(cfg, i, norms, linears));
    }
    FrozenWeight head = new DenseWeight(normal(m, cfg.vocabSize(), c, embType));
    return new LlamaModel(cfg, options, m, embed, layers, ones(m, c, compute), head);
  }

  /**
   * The dtype {@link #build} holds the embedding and lm_head in: bf16 for {@code halfEmbeddings}
   * (what Llama-3, Qwen and Gemma checkpoints ship). Not fp16: libtorch's CPU fp16 matrix product
   * has no BLAS behind it, and the lm_head's backward product grad·W (both operands contiguous) ran
   * at 0.45 GFLOP/s against 19–26 for the forward's layouts, so a Llama-3-8B step spent over 20
   * minutes in the loss head; bf16 goes through oneDNN at 66–110 GFLOP/s in every layout (vocab
   * 32000, hidden 1024, 16 rows, 2 threads, this machine's avx512_bf16, 2026-12-06).
   */
  public static DataType embeddingDtype(DataType compute, boolean halfEmbeddings) {
    return halfEmbeddings && compute == DataType.FLOAT32 ? DataType.BFLOAT16 : compute;
  }

  private static NDArray zeros(NDManager m, int c, DataType type) {
    return in(m, m.zeros(new Shape(c)), type);
  }

  private static NDArray ones(NDManager m, int c, DataType type) {
    return in(m, m.ones(new Shape(c)), type);
  }

  /** {@code f32} itself for float32, else a copy in {@code type} (and {@code f32} is closed). */
  private static NDArray in(NDManager m, NDArray f32, DataType type) {
    if (type == DataType.FLOAT32) {
      return f32;
    }
    try (f32) {
      return Nd.cast(m, f32, type);
    }
  }

  private static NDArray normal(NDManager m, int rows, int cols, DataType type) {
    if (type == DataType.FLOAT32) {
      return m.randomNormal(0, 0.02f, new Shape(rows, cols), DataType.FLOAT32);
    }
    // in row chunks: a float32 copy of a whole 10B-model embedding would be 0.5 GB of peak
    NDArray out = Nd.empty(m, new Shape(rows, cols), type);
    int chunk = 2048;
    for (int r = 0; r < rows; r += chunk) {
      int n = Math.min(chunk, rows - r);
      try (NDManager t = m.newSubManager()) {
        NDArray part = t.randomNormal(0, 0.02f, new Shape(n, cols), DataType.FLOAT32);
        out.set(new ai.djl.ndarray.index.NDIndex("{}:{}", r, r + n), Nd.cast(t, part, type));
      }
    }
    return out;
  }

  private static LoraLinear linear(
      NDManager m, String name, int out, int in, LoadOptions options, SplittableRandom rng) {
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
            Nd.floats(m, nested, new Shape(nested.length)),
            Nd.floats(m, DynamicMap.signed(), new Shape(256)),
            0.03f,
            256,
            options.computeDtype());
    if (!options.quant().dense()) {
      return new LoraLinear(name, w);
    }
    NDArray dense = w.dense(m);
    w.close();
    return new LoraLinear(name, new DenseWeight(dense));
  }
}
