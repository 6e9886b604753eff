package dev.cura.engine.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.safetensors.TensorSpec;
import dev.cura.core.tensor.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shapes and config fields of real checkpoints of each family (Llama 3.x, Qwen2.5, Qwen3,
 * Mistral v0.3, Phi-3, Gemma 2), plus a tiny variant of each for tests — what {@code ./cura synth
 * --arch} writes and {@code ./cura bench train --arch} builds. Configs go through {@link
 * FamilyConfigs}, so every preset is a config CURA itself accepts.
 */
public final class FamilyPresets {
  /** The {@code --arch} names. */
  public static final List<String> ARCHS =
      List.of("llama3", "qwen2", "qwen3", "mistral", "phi3", "gemma2");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Each family's config fields that do not depend on the size, as its published configs have them.
   */
  private static final Map<String, String> FAMILIES =
      Map.of(
          "llama3",
          """
          {"model_type": "llama", "rope_theta": 500000.0, "rms_norm_eps": 1e-5,
           "max_position_embeddings": 131072, "bos_token_id": 128000, "eos_token_id": 128001,
           "tie_word_embeddings": false, "hidden_act": "silu"}""",
          "qwen2",
          """
          {"model_type": "qwen2", "rope_theta": 1000000.0, "rms_norm_eps": 1e-6,
           "max_position_embeddings": 32768, "use_sliding_window": false,
           "bos_token_id": 151643, "eos_token_id": 151645, "tie_word_embeddings": false,
           "hidden_act": "silu"}""",
          "qwen3",
          """
          {"model_type": "qwen3", "rope_theta": 1000000.0, "rms_norm_eps": 1e-6,
           "max_position_embeddings": 32768, "use_sliding_window": false,
           "bos_token_id": 151643, "eos_token_id": 151645, "tie_word_embeddings": false,
           "head_dim": 128, "attention_bias": false, "hidden_act": "silu"}""",
          "mistral",
          """
          {"model_type": "mistral", "rope_theta": 1000000.0, "rms_norm_eps": 1e-5,
           "max_position_embeddings": 32768, "sliding_window": null,
           "bos_token_id": 1, "eos_token_id": 2, "tie_word_embeddings": false, "hidden_act": "silu"}""",
          "phi3",
          """
          {"model_type": "phi3", "rope_theta": 10000.0, "rms_norm_eps": 1e-5,
           "max_position_embeddings": 4096, "original_max_position_embeddings": 4096,
           "sliding_window": null, "bos_token_id": 1, "eos_token_id": 32000,
           "tie_word_embeddings": false, "hidden_act": "silu"}""",
          "gemma2",
          """
          {"model_type": "gemma2", "head_dim": 256, "rope_theta": 10000.0, "rms_norm_eps": 1e-6,
           "max_position_embeddings": 8192, "hidden_activation": "gelu_pytorch_tanh",
           "sliding_window": 4096, "attn_logit_softcapping": 50.0,
           "final_logit_softcapping": 30.0, "bos_token_id": 2, "eos_token_id": 1,
           "tie_word_embeddings": true}""");

  /**
   * A published size of a family: vocabulary, hidden, intermediate, layers, attention and key/value
   * heads, and the config fields it sets beyond its family's.
   */
  private record Size(
      String arch,
      String name,
      int vocab,
      int hidden,
      int inter,
      int layers,
      int heads,
      int kv,
      Field... extra) {}

  /** A config field and its value. */
  private record Field(String name, Object value) {}

  private static final Field TIED = new Field("tie_word_embeddings", true);
  private static final Field ROPE_32 = new Field("rope_scaling", llama3Rope(32, 8192));
  private static final Field ROPE_8 = new Field("rope_scaling", llama3Rope(8, 8192));
  private static final Field PHI3_WINDOW = new Field("sliding_window", 2047);
  private static final Field GEMMA2_QUERY_SCALAR = new Field("query_pre_attn_scalar", 256);

  private static final List<Size> SIZES =
      List.of(
          new Size("llama3", "1B", 128256, 2048, 8192, 16, 32, 8, ROPE_32, TIED, headDim(64)),
          new Size("llama3", "3B", 128256, 3072, 8192, 28, 24, 8, ROPE_32, TIED),
          new Size("llama3", "8B", 128256, 4096, 14336, 32, 32, 8, ROPE_8),
          new Size("llama3", "70B", 128256, 8192, 28672, 80, 64, 8, ROPE_8),
          new Size("qwen2", "0.5B", 151936, 896, 4864, 24, 14, 2, TIED),
          new Size("qwen2", "1.5B", 151936, 1536, 8960, 28, 12, 2, TIED),
          new Size("qwen2", "3B", 151936, 2048, 11008, 36, 16, 2, TIED),
          new Size("qwen2", "7B", 152064, 3584, 18944, 28, 28, 4),
          new Size("qwen2", "14B", 152064, 5120, 13824, 48, 40, 8),
          new Size("qwen3", "0.6B", 151936, 1024, 3072, 28, 16, 8, TIED),
          new Size("qwen3", "1.7B", 151936, 2048, 6144, 28, 16, 8, TIED),
          new Size("qwen3", "4B", 151936, 2560, 9728, 36, 32, 8, TIED),
          new Size("qwen3", "8B", 151936, 4096, 12288, 36, 32, 8),
          new Size("qwen3", "14B", 151936, 5120, 17408, 40, 40, 8),
          new Size("mistral", "7B", 32768, 4096, 14336, 32, 32, 8),
          new Size("phi3", "3.8B", 32064, 3072, 8192, 32, 32, 32, PHI3_WINDOW),
          new Size("phi3", "14B", 32064, 5120, 17920, 40, 40, 10, PHI3_WINDOW),
          new Size("gemma2", "2B", 256000, 2304, 9216, 26, 8, 4, GEMMA2_QUERY_SCALAR),
          new Size("gemma2", "9B", 256000, 3584, 14336, 42, 16, 8, GEMMA2_QUERY_SCALAR),
          new Size(
              "gemma2",
              "27B",
              256000,
              4608,
              36864,
              46,
              32,
              16,
              headDim(128),
              new Field("query_pre_attn_scalar", 144)));

  private FamilyPresets() {}

  /** A small config of the family with all its distinguishing fields (for tests). */
  public static LlamaConfig tiny(String arch) {
    ObjectNode n = base(arch);
    shape(n, 256, 64, 128, 2, 4, 2);
    n.put("head_dim", arch.equals("qwen3") ? 24 : 16);
    n.put("max_position_embeddings", 256);
    n.put("bos_token_id", 0);
    n.put("eos_token_id", 1);
    switch (arch) {
      case "llama3" -> llama3Scaling(n, 8, 64);
      case "mistral", "gemma2" -> n.put("sliding_window", 8);
      case "qwen2" -> n.put("tie_word_embeddings", true);
      default -> {}
    }
    if (arch.equals("gemma2")) {
      n.put("query_pre_attn_scalar", 16);
    }
    return LlamaConfig.parse(n, arch + " tiny");
  }

  /** The real published shape of the family whose parameter count is nearest {@code params}. */
  public static LlamaConfig forParams(String arch, long params) {
    LlamaConfig best = null;
    double bestDist = Double.MAX_VALUE;
    for (LlamaConfig c : presets(arch).values()) {
      double d = Math.abs(Math.log((double) params(c) / params));
      if (d < bestDist) {
        bestDist = d;
        best = c;
      }
    }
    return best;
  }

  /** The presets of a family by name (e.g. "8B"). */
  public static Map<String, LlamaConfig> presets(String arch) {
    base(arch); // an unknown family is an error, not an empty map
    Map<String, LlamaConfig> out = new LinkedHashMap<>();
    for (Size s : SIZES) {
      if (s.arch().equals(arch)) {
        ObjectNode n =
            shape(base(arch), s.vocab(), s.hidden(), s.inter(), s.layers(), s.heads(), s.kv());
        for (Field f : s.extra()) {
          n.set(f.name(), JSON.valueToTree(f.value()));
        }
        out.put(s.name(), LlamaConfig.parse(n, arch + " " + s.name()));
      }
    }
    return out;
  }

  /** Parameter count of a config (embedding, layers, final norm, untied lm_head). */
  public static long params(LlamaConfig c) {
    long total = (long) c.vocabSize() * c.hidden() * (c.tieWordEmbeddings() ? 1 : 2) + c.hidden();
    for (TensorSpec t : layerTensors(c, 0)) {
      total += t.numel() * c.layers();
    }
    return total;
  }

  /** Every tensor of the checkpoint under transformers' names, bf16. */
  public static List<TensorSpec> tensors(LlamaConfig c) {
    List<TensorSpec> out = new ArrayList<>();
    long v = c.vocabSize(), h = c.hidden();
    out.add(new TensorSpec("model.embed_tokens.weight", DType.BF16, new long[] {v, h}));
    for (int i = 0; i < c.layers(); i++) {
      out.addAll(layerTensors(c, i));
    }
    out.add(new TensorSpec("model.norm.weight", DType.BF16, new long[] {h}));
    if (!c.tieWordEmbeddings()) {
      out.add(new TensorSpec("lm_head.weight", DType.BF16, new long[] {v, h}));
    }
    return out;
  }

  private static List<TensorSpec> layerTensors(LlamaConfig c, int i) {
    String p = "model.layers." + i + ".";
    long h = c.hidden();
    List<TensorSpec> out = new ArrayList<>();
    List<String> norms = new ArrayList<>(List.of("input_layernorm", "post_attention_layernorm"));
    if (c.arch().gemmaNorms()) {
      norms.addAll(List.of("pre_feedforward_layernorm", "post_feedforward_layernorm"));
    }
    for (String n : norms) {
      out.add(new TensorSpec(p + n + ".weight", DType.BF16, new long[] {h}));
    }
    if (c.arch().qkNorm()) {
      for (String n : List.of("self_attn.q_norm", "self_attn.k_norm")) {
        out.add(new TensorSpec(p + n + ".weight", DType.BF16, new long[] {c.headDim()}));
      }
    }
    for (LlamaLoader.LinearShape s : LlamaLoader.linearShapes(c)) {
      out.add(new TensorSpec(p + s.module() + ".weight", DType.BF16, new long[] {s.out(), s.in()}));
      if (s.bias()) {
        out.add(new TensorSpec(p + s.module() + ".bias", DType.BF16, new long[] {s.out()}));
      }
    }
    return out;
  }

  /** The config.json of a synthetic checkpoint: the family's fields, torch_dtype bfloat16. */
  public static ObjectNode configJson(LlamaConfig c) {
    ObjectNode o = (ObjectNode) c.toJson();
    o.put("torch_dtype", "bfloat16");
    return o;
  }

  /** Value of a freshly initialised norm weight: 1 (x·w), or 0 for Gemma's x·(1 + w). */
  public static float normInit(LlamaConfig c) {
    return c.arch().gemmaNorms() ? 0f : 1f;
  }

  private static ObjectNode base(String arch) {
    String fields = FAMILIES.get(arch);
    if (fields == null) {
      throw unknown(arch);
    }
    try {
      return (ObjectNode) JSON.readTree(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(arch + " preset", e);
    }
  }

  private static Field headDim(int dim) {
    return new Field("head_dim", dim);
  }

  private static ObjectNode shape(
      ObjectNode n, int vocab, int hidden, int inter, int layers, int heads, int kv) {
    n.put("vocab_size", vocab);
    n.put("hidden_size", hidden);
    n.put("intermediate_size", inter);
    n.put("num_hidden_layers", layers);
    n.put("num_attention_heads", heads);
    n.put("num_key_value_heads", kv);
    if (n.has("use_sliding_window")) {
      n.put("max_window_layers", layers);
    }
    return n;
  }

  private static ObjectNode llama3Scaling(ObjectNode n, double factor, int originalMax) {
    n.set("rope_scaling", llama3Rope(factor, originalMax));
    return n;
  }

  /** Llama 3.x's {@code rope_scaling}. */
  private static ObjectNode llama3Rope(double factor, int originalMax) {
    return JSON.createObjectNode()
        .put("rope_type", "llama3")
        .put("factor", factor)
        .put("low_freq_factor", 1.0)
        .put("high_freq_factor", 4.0)
        .put("original_max_position_embeddings", originalMax);
  }

  private static IllegalArgumentException unknown(String arch) {
    return new IllegalArgumentException("--arch must be one of " + ARCHS + ", got '" + arch + "'");
  }
}
