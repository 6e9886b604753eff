package dev.cura.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.cura.engine.nn.DenseWeight;
import dev.cura.engine.nn.FrozenWeight;
import dev.cura.engine.nn.LoraLinear;
import dev.cura.engine.nn.Nf4Quantizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link LlamaModel} of any supported family from named tensors (transformers names).
 * Decoder linears stored under bitsandbytes keys load as packed 4-bit weights; dense ones stay
 * dense, or are quantized in memory when {@link LoadOptions.Quant#NF4} is asked for.
 */
public final class LlamaLoader {
  private LlamaLoader() {}

  /** Loads a checkpoint or quantized-artifact directory. */
  public static LlamaModel load(Path dir, LoadOptions options) throws IOException {
    LlamaConfig cfg = LlamaConfig.read(dir);
    try (CheckpointWeights w = CheckpointWeights.open(dir)) {
      return build(cfg, w, options);
    }
  }

  /** Builds the model; tensors are copied out of {@code src}, which may be closed afterwards. */
  public static LlamaModel build(LlamaConfig cfg, WeightSource src, LoadOptions options) {
    NDManager m = NDManager.newBaseManager(options.device());
    try {
      DataType dt = options.computeDtype();
      int c = cfg.hidden();
      NDArray embed =
          TensorLoader.load(m, src, "model.embed_tokens.weight", dt, cfg.vocabSize(), c);
      List<DecoderLayer> layers = new ArrayList<>();
      for (int i = 0; i < cfg.layers(); i++) {
        layers.add(layer(m, src, cfg, i, options));
      }
      NDArray norm = TensorLoader.load(m, src, "model.norm.weight", dt, c);
      FrozenWeight head;
      if (cfg.tieWordEmbeddings() || !src.has("lm_head.weight")) {
        if (!cfg.tieWordEmbeddings()) {
          throw new IllegalArgumentException(
              "lm_head.weight is missing and tie_word_embeddings is false");
        }
        head = new DenseWeight(embed);
      } else {
        head = new DenseWeight(TensorLoader.load(m, src, "lm_head.weight", dt, cfg.vocabSize(), c));
      }
      return new LlamaModel(cfg, options, m, embed, layers, norm, head);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** One decoder layer under the family's tensor names ({@link #linearShapes}). */
  private static DecoderLayer layer(
      NDManager m, WeightSource src, LlamaConfig cfg, int i, LoadOptions options) {
    DataType dt = options.computeDtype();
    int c = cfg.hidden();
    String p = "model.layers." + i + ".";
    Arch a = cfg.arch();
    boolean gemma = a.gemmaNorms();
    DecoderLayer.Norms norms =
        new DecoderLayer.Norms(
            TensorLoader.load(m, src, p + "input_layernorm.weight", dt, c),
            TensorLoader.load(m, src, p + "post_attention_layernorm.weight", dt, c),
            gemma ? TensorLoader.load(m, src, p + "pre_feedforward_layernorm.weight", dt, c) : null,
            gemma
                ? TensorLoader.load(m, src, p + "post_feedforward_layernorm.weight", dt, c)
                : null,
            a.qkNorm()
                ? TensorLoader.load(m, src, p + "self_attn.q_norm.weight", dt, cfg.headDim())
                : null,
            a.qkNorm()
                ? TensorLoader.load(m, src, p + "self_attn.k_norm.weight", dt, cfg.headDim())
                : null);
    List<LoraLinear> linears = new ArrayList<>();
    for (LinearShape s : linearShapes(cfg)) {
      String module = p + s.module();
      FrozenWeight w = weight(m, src, module, s.out(), s.in(), options);
      NDArray bias = s.bias() ? TensorLoader.load(m, src, module + ".bias", dt, s.out()) : null;
      linears.add(new LoraLinear(module, w, bias));
    }
    return new DecoderLayer(cfg, i, norms, linears);
  }

  /**
   * A decoder linear of a family: module path under {@code model.layers.N.}, [out, in], whether it
   * has a bias.
   */
  public record LinearShape(String module, int out, int in, boolean bias) {
    /** The PEFT short name (q_proj, qkv_proj, …). */
    public String shortName() {
      return module.substring(module.lastIndexOf('.') + 1);
    }
  }

  /** The decoder linears of one layer in PEFT order, with transformers' names and shapes. */
  public static List<LinearShape> linearShapes(LlamaConfig cfg) {
    int c = cfg.hidden();
    int qOut = cfg.heads() * cfg.headDim();
    int kvOut = cfg.kvHeads() * cfg.headDim();
    int inter = cfg.intermediate();
    Arch a = cfg.arch();
    List<LinearShape> out = new ArrayList<>();
    if (a.fused()) {
      out.add(new LinearShape("self_attn.qkv_proj", qOut + 2 * kvOut, c, false));
      out.add(new LinearShape("self_attn.o_proj", c, qOut, false));
      out.add(new LinearShape("mlp.gate_up_proj", 2 * inter, c, false));
      out.add(new LinearShape("mlp.down_proj", c, inter, false));
      return out;
    }
    out.add(new LinearShape("self_attn.q_proj", qOut, c, a.qkvBias()));
    out.add(new LinearShape("self_attn.k_proj", kvOut, c, a.qkvBias()));
    out.add(new LinearShape("self_attn.v_proj", kvOut, c, a.qkvBias()));
    out.add(new LinearShape("self_attn.o_proj", c, qOut, a.outBias()));
    out.add(new LinearShape("mlp.gate_proj", inter, c, a.mlpBias()));
    out.add(new LinearShape("mlp.up_proj", inter, c, a.mlpBias()));
    out.add(new LinearShape("mlp.down_proj", c, inter, a.mlpBias()));
    return out;
  }

  private static FrozenWeight weight(
      NDManager m, WeightSource src, String module, int out, int in, LoadOptions options) {
    String name = module + ".weight";
    String stateKey = BnbWeights.quantStateKey(src, name);
    FrozenWeight w;
    if (stateKey != null) {
      w = BnbWeights.load(m, src, name, options.computeDtype());
      if (w.outFeatures() != out || w.inFeatures() != in) {
        throw new IllegalArgumentException(
            name
                + ": expected ["
                + out
                + ", "
                + in
                + "], quant state says ["
                + w.outFeatures()
                + ", "
                + w.inFeatures()
                + "]");
      }
    } else if (!options.quant().dense()) {
      NDArray dense = TensorLoader.load(m, src, name, DataType.FLOAT32, out, in);
      w = Nf4Quantizer.quantize(m, dense, options.quant(), options.computeDtype());
      dense.close();
    } else {
      w = new DenseWeight(TensorLoader.load(m, src, name, options.computeDtype(), out, in));
    }
    return w;
  }
}
