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
 * Builds a {@link LlamaModel} from named tensors (transformers names). Decoder linears stored under
 * bitsandbytes keys load as packed 4-bit weights; dense ones stay dense, or are quantized in memory
 * when {@link LoadOptions.Quant#NF4} is asked for.
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
      int qOut = cfg.heads() * cfg.headDim();
      int kvOut = cfg.kvHeads() * cfg.headDim();
      for (int i = 0; i < cfg.layers(); i++) {
        String p = "model.layers." + i + ".";
        layers.add(
            new DecoderLayer(
                cfg,
                TensorLoader.load(m, src, p + "input_layernorm.weight", dt, c),
                TensorLoader.load(m, src, p + "post_attention_layernorm.weight", dt, c),
                linear(m, src, p + "self_attn.q_proj", qOut, c, options),
                linear(m, src, p + "self_attn.k_proj", kvOut, c, options),
                linear(m, src, p + "self_attn.v_proj", kvOut, c, options),
                linear(m, src, p + "self_attn.o_proj", c, qOut, options),
                linear(m, src, p + "mlp.gate_proj", cfg.intermediate(), c, options),
                linear(m, src, p + "mlp.up_proj", cfg.intermediate(), c, options),
                linear(m, src, p + "mlp.down_proj", c, cfg.intermediate(), options)));
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

  private static LoraLinear linear(
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
    return new LoraLinear(module, w);
  }
}
