package dev.cura.engine.model;

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
    Map<String, ObjectNode> raw = new LinkedHashMap<>();
    switch (arch) {
      case "llama3" -> {
        raw.put("1B", llama3Scaling(shape(base(arch), 128256, 2048, 8192, 16, 32, 8), 32, 8192));
        raw.get("1B").put("head_dim", 64).put("tie_word_embeddings", true);
        raw.put("3B", llama3Scaling(shape(base(arch), 128256, 3072, 8192, 28, 24, 8), 32, 8192));
        raw.get("3B").put("tie_word_embeddings", true);
        raw.put("8B", llama3Scaling(shape(base(arch), 128256, 4096, 14336, 32, 32, 8), 8, 8192));
        raw.put("70B", llama3Scaling(shape(base(arch), 128256, 8192, 28672, 80, 64, 8), 8, 8192));
      }
      case "qwen2" -> {
        raw.put("0.5B", shape(base(arch), 151936, 896, 4864, 24, 14, 2));
        raw.put("1.5B", shape(base(arch), 151936, 1536, 8960, 28, 12, 2));
        raw.put("3B", shape(base(arch), 151936, 2048, 11008, 36, 16, 2));
        raw.values().forEach(n -> n.put("tie_word_embeddings", true));
        raw.put("7B", shape(base(arch), 152064, 3584, 18944, 28, 28, 4));
        raw.put("14B", shape(base(arch), 152064, 5120, 13824, 48, 40, 8));
      }
      case "qwen3" -> {
        raw.put("0.6B", shape(base(arch), 151936, 1024, 3072, 28, 16, 8));
        raw.put("1.7B", shape(base(arch), 151936, 2048, 6144, 28, 16, 8));
        raw.put("4B", shape(base(arch), 151936, 2560, 9728, 36, 32, 8));
        raw.values().forEach(n -> n.put("tie_word_embeddings", true));
        raw.put("8B", shape(base(arch), 151936, 4096, 12288, 36, 32, 8));
        raw.put("14B", shape(base(arch), 151936, 5120, 17408, 40, 40, 8));
      }
      case "mistral" -> raw.put("7B", shape(base(arch), 32768, 4096, 14336, 32, 32, 8));
      case "phi3" -> {
        raw.put("3.8B", shape(base(arch), 32064, 3072, 8192, 32, 32, 32));
        raw.put("14B", shape(base(arch), 32064, 5120, 17920, 40, 40, 10));
        raw.values().forEach(n -> n.put("sliding_window", 2047));
      }
      case "gemma2" -> {
        raw.put("2B", shape(base(arch), 256000, 2304, 9216, 26, 8, 4));
        raw.get("2B").put("query_pre_attn_scalar", 256);
        raw.put("9B", shape(base(arch), 256000, 3584, 14336, 42, 16, 8));
        raw.get("9B").put("query_pre_attn_scalar", 256);
        raw.put("27B", shape(base(arch), 256000, 4608, 36864, 46, 32, 16));
        raw.get("27B").put("head_dim", 128).put("query_pre_attn_scalar", 144);
      }
      default -> throw unknown(arch);
    }
    Map<String, LlamaConfig> out = new LinkedHashMap<>();
    raw.forEach((k, v) -> out.put(k, LlamaConfig.parse(v, arch + " " + k)));
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
    ObjectNode n = JSON.createObjectNode();
    switch (arch) {
      case "llama3" -> {
        n.put("model_type", "llama");
        n.put("rope_theta", 500000.0);
        n.put("rms_norm_eps", 1e-5);
        n.put("max_position_embeddings", 131072);
        n.put("bos_token_id", 128000);
        n.put("eos_token_id", 128001);
        n.put("tie_word_embeddings", false);
      }
      case "qwen2", "qwen3" -> {
        n.put("model_type", arch);
        n.put("rope_theta", 1000000.0);
        n.put("rms_norm_eps", 1e-6);
        n.put("max_position_embeddings", 32768);
        n.put("use_sliding_window", false);
        n.put("bos_token_id", 151643);
        n.put("eos_token_id", 151645);
        n.put("tie_word_embeddings", false);
        if (arch.equals("qwen3")) {
          n.put("head_dim", 128);
          n.put("attention_bias", false);
        }
      }
      case "mistral" -> {
        n.put("model_type", "mistral");
        n.put("rope_theta", 1000000.0);
        n.put("rms_norm_eps", 1e-5);
        n.put("max_position_embeddings", 32768);
        n.putNull("sliding_window");
        n.put("bos_token_id", 1);
        n.put("eos_token_id", 2);
        n.put("tie_word_embeddings", false);
      }
      case "phi3" -> {
        n.put("model_type", "phi3");
        n.put("rope_theta", 10000.0);
        n.put("rms_norm_eps", 1e-5);
        n.put("max_position_embeddings", 4096);
        n.put("original_max_position_embeddings", 4096);
        n.putNull("sliding_window");
        n.put("bos_token_id", 1);
        n.put("eos_token_id", 32000);
        n.put("tie_word_embeddings", false);
      }
      case "gemma2" -> {
        n.put("model_type", "gemma2");
        n.put("head_dim", 256);
        n.put("rope_theta", 10000.0);
        n.put("rms_norm_eps", 1e-6);
        n.put("max_position_embeddings", 8192);
        n.put("hidden_activation", "gelu_pytorch_tanh");
        n.put("sliding_window", 4096);
        n.put("attn_logit_softcapping", 50.0);
        n.put("final_logit_softcapping", 30.0);
        n.put("bos_token_id", 2);
        n.put("eos_token_id", 1);
        n.put("tie_word_embeddings", true);
      }
      default -> throw unknown(arch);
    }
    if (!arch.equals("gemma2")) {
      n.put("hidden_act", "silu");
    }
    return n;
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
    n.putObject("rope_scaling")
        .put("rope_type", "llama3")
        .put("factor", factor)
        .put("low_freq_factor", 1.0)
        .put("high_freq_factor", 4.0)
        .put("original_max_position_embeddings", originalMax);
    return n;
  }

  private static IllegalArgumentException unknown(String arch) {
    return new IllegalArgumentException("--arch must be one of " + ARCHS + ", got '" + arch + "'");
  }
}
