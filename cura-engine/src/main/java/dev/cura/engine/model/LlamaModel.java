package dev.cura.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.cura.engine.nn.DenseWeight;
import dev.cura.engine.nn.FrozenWeight;
import dev.cura.engine.nn.LoraLinear;
import dev.cura.engine.nn.LoraParams;
import dev.cura.engine.nn.Nd;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoder-only causal LM with the semantics of transformers' *ForCausalLM for every supported
 * family ({@link Arch}): token embedding (gemma2: ×√C) → decoder layers → final RMSNorm → lm_head
 * (tied to the embedding or not; gemma2: soft-capped). B = batch, T = sequence, C = hidden, V =
 * vocabulary.
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

  /**
   * A model from its parts (tools that build weights in memory, e.g. synthetic benchmark models);
   * checkpoints load through {@link LlamaLoader}.
   */
  public LlamaModel(
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

  /**
   * Full-parameter mode (pretraining a base model): every weight becomes a trainable leaf — the
   * embedding, every RMSNorm weight, every decoder linear and an untied lm_head (a tied one is the
   * embedding) — so a {@link #forward} recorded under grad mode back-propagates into all of them.
   * The same forward as QLoRA training and inference, no second model.
   *
   * @return the parameters in transformers' names and order: embed_tokens; per layer
   *     input_layernorm, q, k, v, o, post_attention_layernorm, gate, up, down; norm; lm_head
   * @throws IllegalStateException when a linear is quantized or has a LoRA branch, or the compute
   *     dtype is not float32/float64 (gradients of a frozen-base model are LoRA's business)
   */
  public List<LoraParams.Param> trainAllParameters() {
    DataType dt = options.computeDtype();
    if (dt != DataType.FLOAT32 && dt != DataType.FLOAT64) {
      throw new IllegalStateException("full-parameter training computes in float32, got " + dt);
    }
    List<LoraParams.Param> out = new ArrayList<>();
    out.add(leaf("model.embed_tokens.weight", embed));
    for (int i = 0; i < layers.size(); i++) {
      DecoderLayer l = layers.get(i);
      String p = "model.layers." + i + ".";
      if (l.norms().all().size() != 2 || l.linears().stream().anyMatch(x -> x.bias() != null)) {
        throw new IllegalStateException(
            "full-parameter training covers plain Llama layers, not " + config.modelType());
      }
      out.add(leaf(p + "input_layernorm.weight", l.inputNorm));
      for (LoraLinear lin : l.linears()) {
        if (lin.name().contains(".self_attn.")) {
          out.add(new LoraParams.Param(lin.name() + ".weight", trainable(lin.name(), lin)));
        }
      }
      out.add(leaf(p + "post_attention_layernorm.weight", l.postNorm));
      for (LoraLinear lin : l.linears()) {
        if (lin.name().contains(".mlp.")) {
          out.add(new LoraParams.Param(lin.name() + ".weight", trainable(lin.name(), lin)));
        }
      }
    }
    out.add(leaf("model.norm.weight", norm));
    if (!(lmHead instanceof DenseWeight head)) {
      throw new IllegalStateException("lm_head must be dense for full-parameter training");
    }
    NDArray headWeight = head.train(); // tied: the embedding itself, already listed
    if (!config.tieWordEmbeddings()) {
      out.add(new LoraParams.Param("lm_head.weight", headWeight));
    }
    return out;
  }

  private static LoraParams.Param leaf(String name, NDArray a) {
    a.setRequiresGradient(true);
    return new LoraParams.Param(name, a);
  }

  private static NDArray trainable(String name, LoraLinear lin) {
    if (lin.hasLora() || !(lin.base() instanceof DenseWeight w)) {
      throw new IllegalStateException(
          name + ": full-parameter training needs dense linears without LoRA");
    }
    return w.train();
  }

  /** ids [B, T] (int64) → hidden [B, T, C] in the compute dtype. */
  public NDArray embed(NDArray ids, NDManager m) {
    NDArray rows = Nd.own(m, embed.get(ids)); // [B, T, C]
    if (rows.getDataType() != options.computeDtype()) {
      rows = rows.toType(options.computeDtype(), false);
    }
    if (config.arch().gemmaNorms()) {
      // gemma2 scales embeddings by √hidden, rounded to the compute dtype as transformers does
      float normalizer = (float) Math.sqrt(config.hidden());
      rows =
          Nd.mul(
              rows,
              rows.getDataType() == DataType.FLOAT64 ? Math.sqrt(config.hidden()) : normalizer);
    }
    return rows;
  }

  /** cos/sin [T, d] for positions 0..T−1 (under the config's rope_scaling). */
  public NDList rope(int length, NDManager m) {
    return Rope.create(m, length, config.headDim(), config.ropeTheta(), config.arch().rope());
  }

  /**
   * Additive causal mask [T, T]: 0 where key ≤ query, else −∞ (layers with a sliding window narrow
   * it themselves).
   */
  public NDArray causalMask(int length, NDManager m) {
    return Nd.floats(m, mask(0, length), new Shape(length, length));
  }

  /**
   * Additive mask [T, P + T] of T queries at positions P..P+T−1 over keys 0..P+T−1: 0 where the key
   * is not after the query, else −∞ (layers with a sliding window narrow it themselves).
   */
  private float[] mask(int past, int t) {
    int keys = past + t;
    float[] mask = new float[t * keys];
    for (int i = 0; i < t; i++) {
      int query = past + i;
      for (int j = 0; j < keys; j++) {
        mask[i * keys + j] = j <= query ? 0f : Float.NEGATIVE_INFINITY;
      }
    }
    return mask;
  }

  /** Final norm + lm_head: hidden [B, T, C] → logits [B, T, V] float32. */
  public NDArray head(NDArray hidden, NDManager m) {
    hidden = Nd.adopt(m, hidden);
    Shape s = hidden.getShape();
    NDArray normed =
        config.arch().gemmaNorms()
            ? DecoderLayer.gemmaRmsNorm(hidden, norm, config.rmsNormEps())
            : DecoderLayer.rmsNorm(hidden, norm, config.rmsNormEps());
    NDArray logits = lmHead.apply(normed.reshape(s.get(0) * s.get(1), s.get(2)), m);
    if (config.arch().finalSoftcap() > 0) {
      logits = DecoderLayer.softcap(logits, config.arch().finalSoftcap());
    }
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
      float[][] tables =
          Rope.tables(past, t, config.headDim(), config.ropeTheta(), config.arch().rope());
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
      for (NDArray n : l.norms().all()) {
        total += bytes(n);
      }
      for (LoraLinear lin : l.linears()) {
        total += lin.base().residentBytes() + (lin.bias() == null ? 0 : bytes(lin.bias()));
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
