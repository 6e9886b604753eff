package dev.cura.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.nn.DenseWeight;
import dev.cura.engine.nn.FrozenWeight;
import dev.cura.engine.nn.LoraLinear;
import dev.cura.engine.nn.Nd;
import java.util.ArrayList;
import java.util.List;

/**
 * A Llama-family causal LM (transformers' LlamaForCausalLM semantics): token embedding → decoder
 * layers → final RMSNorm → lm_head (tied to the embedding or not). B = batch, T = sequence, C =
 * hidden, V = vocabulary.
 *
 * <p>Weights live in the model's manager; every forward puts its temporaries into the manager it is
 * given (a per-step sub-manager).
 */
public final class LlamaModel implements AutoCloseable {
  private final LlamaConfig config;
  private final LoadOptions options;
  private final NDManager manager;
  private final NDArray embed; // [V, C]
  private final List<DecoderLayer> layers;
  private final NDArray norm; // [C]
  private final FrozenWeight lmHead; // [V, C]

  LlamaModel(
      LlamaConfig config,
      LoadOptions options,
      NDManager manager,
      NDArray embed,
      List<DecoderLayer> layers,
      NDArray norm,
      FrozenWeight lmHead) {
    this.config = config;
    this.options = options;
    this.manager = manager;
    this.embed = embed;
    this.layers = List.copyOf(layers);
    this.norm = norm;
    this.lmHead = lmHead;
  }

  public LlamaConfig config() {
    return config;
  }

  public LoadOptions options() {
    return options;
  }

  /** The manager holding the weights (LoRA parameters are created here too). */
  public NDManager manager() {
    return manager;
  }

  public List<DecoderLayer> layers() {
    return layers;
  }

  /** All decoder linears in layer order, q..down within a layer. */
  public List<LoraLinear> linears() {
    List<LoraLinear> all = new ArrayList<>();
    layers.forEach(l -> all.addAll(l.linears()));
    return all;
  }

  /** ids [B, T] (int64) → hidden [B, T, C] in the compute dtype. */
  public NDArray embed(NDArray ids, NDManager m) {
    NDArray rows = Nd.own(m, embed.get(ids)); // [B, T, C]
    return rows.getDataType() == options.computeDtype()
        ? rows
        : rows.toType(options.computeDtype(), false);
  }

  /** cos/sin [T, d] for positions 0..T−1. */
  public NDList rope(int length, NDManager m) {
    return Rope.create(m, length, config.headDim(), config.ropeTheta());
  }

  /** Additive causal mask [T, T]: 0 where key ≤ query (and inside mistral's window), else −∞. */
  public NDArray causalMask(int length, NDManager m) {
    return Nd.floats(m, mask(0, length), new Shape(length, length));
  }

  /**
   * Additive mask [T, P + T] of T queries at positions P..P+T−1 over keys 0..P+T−1: 0 where the key
   * is not after the query (and inside mistral's window), else −∞.
   */
  private float[] mask(int past, int t) {
    int keys = past + t;
    float[] mask = new float[t * keys];
    int window = config.slidingWindow();
    for (int i = 0; i < t; i++) {
      int query = past + i;
      for (int j = 0; j < keys; j++) {
        boolean visible = j <= query && (window <= 0 || query - j < window);
        mask[i * keys + j] = visible ? 0f : Float.NEGATIVE_INFINITY;
      }
    }
    return mask;
  }

  /** Final norm + lm_head: hidden [B, T, C] → logits [B, T, V] float32. */
  public NDArray head(NDArray hidden, NDManager m) {
    hidden = Nd.adopt(m, hidden);
    Shape s = hidden.getShape();
    NDArray normed = DecoderLayer.rmsNorm(hidden, norm, config.rmsNormEps());
    NDArray logits = lmHead.apply(normed.reshape(s.get(0) * s.get(1), s.get(2)), m);
    // DJL's toType is not differentiable (the cast drops the graph), so only half types are cast
    NDArray wide =
        logits.getDataType() == DataType.FLOAT64 ? logits : logits.toType(DataType.FLOAT32, false);
    return wide.reshape(s.get(0), s.get(1), config.vocabSize());
  }

  /** A full forward without recording: ids [B, T] → logits [B, T, V] float32 in {@code m}. */
  public NDArray logits(NDArray ids, NDManager m) {
    boolean was = Nd.gradMode(false);
    try {
      return forward(ids, m, false);
    } finally {
      Nd.gradMode(was);
    }
  }

  /**
   * ids [B, T] → logits [B, T, V] under the current grad mode (recorded when on: full-parameter
   * training without checkpointing).
   */
  public NDArray forward(NDArray ids, NDManager m, boolean training) {
    int t = (int) ids.getShape().get(1);
    NDList rope = rope(t, m);
    NDArray mask = causalMask(t, m);
    NDArray h = embed(ids, m);
    for (DecoderLayer layer : layers) {
      // each layer's temporaries (dequantized weights above all) die with its own manager; a
      // recorded graph keeps what it needs through libtorch's reference counts
      try (NDManager lm = m.newSubManager()) {
        NDArray out = layer.forward(h, rope.get(0), rope.get(1), mask, lm, training);
        out.attach(m);
        h = out;
      }
    }
    return head(h, m);
  }

  /** An empty key/value cache for this model, owned by a sub-manager of {@code parent}. */
  public KvCache newCache(NDManager parent) {
    return new KvCache(parent, layers.size());
  }

  /**
   * Inference with a key/value cache: ids [B, T] are the next T tokens after the {@code
   * cache.length()} positions already in {@code cache}; returns their logits [B, T, V] float32 in
   * {@code m} and adds them to the cache. Equal to the last T rows of a full {@link
   * #logits(NDArray, NDManager)} over the whole sequence.
   */
  public NDArray logits(NDArray ids, KvCache cache, NDManager m) {
    boolean was = Nd.gradMode(false);
    try {
      int t = (int) ids.getShape().get(1);
      int past = cache.length();
      float[][] tables = Rope.tables(past, t, config.headDim(), config.ropeTheta());
      NDArray cos = Nd.floats(m, tables[0], new Shape(t, config.headDim()));
      NDArray sin = Nd.floats(m, tables[1], new Shape(t, config.headDim()));
      NDArray maskArray = Nd.floats(m, mask(past, t), new Shape(t, past + t));
      NDArray h = embed(ids, m);
      for (int l = 0; l < layers.size(); l++) {
        try (NDManager lm = m.newSubManager()) {
          NDArray out = layers.get(l).forward(h, cos, sin, maskArray, lm, false, cache.layer(l));
          out.attach(m);
          h = out;
        }
      }
      cache.advance(t);
      return head(h, m);
    } finally {
      Nd.gradMode(was);
    }
  }

  /** Convenience: logits [T, V] for one sequence of token ids. */
  public float[] logits(long[] ids, NDManager parent) {
    try (NDManager m = parent.newSubManager()) {
      NDArray x = Nd.longs(m, ids, new Shape(1, ids.length));
      return logits(x, m).toFloatArray();
    }
  }

  /** Bytes of frozen weights kept resident (embedding, norms, base linears, lm_head). */
  public long residentWeightBytes() {
    long total = bytes(embed) + bytes(norm);
    for (DecoderLayer l : layers) {
      total += bytes(l.inputNorm) + bytes(l.postNorm);
      for (LoraLinear lin : l.linears()) {
        total += lin.base().residentBytes();
      }
    }
    if (!config.tieWordEmbeddings()) {
      total += lmHead.residentBytes();
    }
    return total;
  }

  private static long bytes(NDArray a) {
    return a.getShape().size() * a.getDataType().getNumOfBytes();
  }

  @Override
  public void close() {
    layers.forEach(DecoderLayer::close);
    if (!config.tieWordEmbeddings()) {
      lmHead.close();
    } else if (lmHead instanceof DenseWeight) {
      // shares the embedding array; closed with the manager
    }
    manager.close();
  }
}
