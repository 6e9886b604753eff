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
    float[] mask = new float[length * length];
    for (int i = 0; i < length; i++) {
      for (int j = 0; j < length; j++) {
        mask[i * length + j] = j <= i ? 0f : Float.NEGATIVE_INFINITY;
      }
    }
    return Nd.floats(m, mask, new Shape(length, length));
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
