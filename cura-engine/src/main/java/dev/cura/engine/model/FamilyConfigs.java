package dev.cura.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes the config.json of each supported family with transformers' defaults for the
 * fields a config may leave out, and refuses every field that would change the math in a way CURA
 * does not compute (one error naming the field and its value) — a config is never silently computed
 * as something else.
 */
final class FamilyConfigs {
  static final Set<String> FAMILIES =
      Set.of("llama", "mistral", "qwen2", "qwen3", "phi3", "gemma2");

  /** MLP activations computed exactly (transformers' ACT2FN names). */
  static final Set<String> ACTIVATIONS = Set.of("silu", "gelu_pytorch_tanh", "gelu");

  /** Fields of other families or newer architectures that change the math when set. */
  private static final List<String> FOREIGN =
      List.of(
          "use_qk_norm",
          "qk_layernorm",
          "no_rope_layers",
          "attention_chunk_size",
          "rope_local_base_freq",
          "logits_scaling",
          "embedding_multiplier",
          "residual_multiplier",
          "attention_multiplier",
          "moe_intermediate_size",
          "num_experts",
          "num_local_experts");

  private static final ObjectMapper JSON = new ObjectMapper();

  private FamilyConfigs() {}

  static LlamaConfig parse(JsonNode n, String where) {
    try {
      return parse(n);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static LlamaConfig parse(JsonNode n) {
    String type = n.path("model_type").asText("");
    if (!FAMILIES.contains(type)) {
      throw new IllegalArgumentException(
          "model_type must be one of "
              + new java.util.TreeSet<>(FAMILIES)
              + ", got '"
              + type
              + "'");
    }
    for (String f : FOREIGN) {
      if (set(n, f)) {
        throw new IllegalArgumentException(
            f + " = " + n.get(f) + " is not supported for " + type + " (it changes the math)");
      }
    }
    boolean gemma = type.equals("gemma2");
    boolean qwen = type.startsWith("qwen");
    int hidden = intField(n, "hidden_size");
    int heads = intField(n, "num_attention_heads");
    int kvHeads = n.hasNonNull("num_key_value_heads") ? intField(n, "num_key_value_heads") : heads;
    int headDim =
        n.hasNonNull("head_dim")
            ? intField(n, "head_dim")
            : switch (type) {
              case "qwen3" -> 128;
              case "gemma2" -> 256;
              default -> hidden / heads;
            };
    if (type.equals("phi3") && headDim != hidden / heads) {
      throw new IllegalArgumentException(
          "head_dim = " + headDim + " is not supported for phi3 (must be hidden_size / heads)");
    }
    double partial = n.path("partial_rotary_factor").asDouble(1.0);
    if (partial != 1.0) {
      throw new IllegalArgumentException(
          "partial_rotary_factor = " + n.get("partial_rotary_factor") + " is not supported");
    }
    String act = activation(n, type);
    boolean attentionBias = flag(n, "attention_bias");
    boolean mlpBias = flag(n, "mlp_bias");
    if (attentionBias && !Set.of("llama", "qwen3", "gemma2").contains(type)) {
      throw new IllegalArgumentException("attention_bias = true is not supported for " + type);
    }
    if (mlpBias && !type.equals("llama")) {
      throw new IllegalArgumentException("mlp_bias = true is not supported for " + type);
    }
    for (String f : List.of("attn_logit_softcapping", "final_logit_softcapping")) {
      if (!gemma && set(n, f)) {
        throw new IllegalArgumentException(
            f + " = " + n.get(f) + " is not supported for " + type + " (gemma2 only)");
      }
    }
    int maxPositions = n.path("max_position_embeddings").asInt(4096);
    JsonNode scaling = n.get("rope_scaling");
    RopeScaling rope =
        RopeScaling.parse(
            scaling, headDim, maxPositions, n.path("original_max_position_embeddings").asInt(0));
    if (rope.type().equals("longrope") != type.equals("phi3") && !rope.type().equals("default")) {
      throw new IllegalArgumentException(
          "rope_scaling type '"
              + rope.type()
              + "' is not supported for "
              + type
              + (type.equals("phi3") ? " (phi3: none or longrope)" : ""));
    }
    int window = 0;
    int windowFrom = 0;
    switch (type) {
      case "mistral" -> window = windowField(n, 4096);
      case "phi3" -> window = windowField(n, 0);
      case "gemma2" -> window = windowField(n, 4096);
      case "qwen2", "qwen3" -> {
        if (flag(n, "use_sliding_window")) {
          window = windowField(n, 4096);
          windowFrom = n.path("max_window_layers").asInt(28);
        }
      }
      default -> {}
    }
    int layers = intField(n, "num_hidden_layers");
    Arch arch =
        new Arch(
            type,
            type.equals("qwen2") || attentionBias,
            attentionBias,
            mlpBias,
            type.equals("qwen3"),
            type.equals("phi3"),
            act,
            rope,
            windowFrom,
            gemma,
            gemma,
            gemma ? Math.pow(n.path("query_pre_attn_scalar").asDouble(224), -0.5) : 0,
            gemma ? softcap(n, "attn_logit_softcapping", 50.0) : 0,
            gemma ? softcap(n, "final_logit_softcapping", 30.0) : 0);
    checkLayerTypes(n, arch, window, layers);
    List<Integer> eos = new ArrayList<>();
    JsonNode e = n.path("eos_token_id");
    if (e.isArray()) {
      e.forEach(x -> eos.add(x.asInt()));
    } else if (e.isNumber()) {
      eos.add(e.asInt());
    }
    return new LlamaConfig(
        type,
        intField(n, "vocab_size"),
        hidden,
        intField(n, "intermediate_size"),
        layers,
        heads,
        kvHeads,
        headDim,
        n.path("rms_norm_eps").asDouble(type.equals("phi3") ? 1e-5 : 1e-6),
        n.path("rope_theta").asDouble(10000.0),
        n.path("tie_word_embeddings").asBoolean(gemma),
        window,
        n.path("bos_token_id").isNumber() ? n.get("bos_token_id").asInt() : -1,
        eos,
        maxPositions,
        arch);
  }

  /** The config.json transformers would write for this architecture (its real field names). */
  static ObjectNode write(LlamaConfig c) {
    Arch a = c.arch();
    String type = a.family();
    ObjectNode o = JSON.createObjectNode();
    o.putArray("architectures").add(architecture(type));
    o.put("model_type", type);
    o.put("vocab_size", c.vocabSize());
    o.put("hidden_size", c.hidden());
    o.put("intermediate_size", c.intermediate());
    o.put("num_hidden_layers", c.layers());
    o.put("num_attention_heads", c.heads());
    o.put("num_key_value_heads", c.kvHeads());
    o.put("head_dim", c.headDim());
    o.put("rms_norm_eps", c.rmsNormEps());
    o.put("rope_theta", c.ropeTheta());
    o.put("tie_word_embeddings", c.tieWordEmbeddings());
    o.put(type.equals("gemma2") ? "hidden_activation" : "hidden_act", a.activation());
    o.put("max_position_embeddings", c.maxPositions());
    if (Set.of("llama", "qwen3", "gemma2").contains(type)) {
      o.put("attention_bias", a.outBias());
    }
    if (type.equals("llama")) {
      o.put("mlp_bias", a.mlpBias());
    }
    a.rope().write(o);
    if (a.rope().type().equals("longrope")) {
      o.put("original_max_position_embeddings", a.rope().originalMax());
    }
    switch (type) {
      case "qwen2", "qwen3" -> {
        o.put("use_sliding_window", c.slidingWindow() > 0);
        o.put("sliding_window", c.slidingWindow() > 0 ? c.slidingWindow() : 4096);
        o.put("max_window_layers", c.slidingWindow() > 0 ? a.windowFromLayer() : c.layers());
      }
      case "gemma2" -> {
        o.put("sliding_window", c.slidingWindow());
        o.put("query_pre_attn_scalar", Math.round(Math.pow(a.queryScale(), -2)));
        putCap(o, "attn_logit_softcapping", a.attnSoftcap());
        putCap(o, "final_logit_softcapping", a.finalSoftcap());
      }
      default -> {
        if (c.slidingWindow() > 0) {
          o.put("sliding_window", c.slidingWindow());
        } else if (!type.equals("llama")) {
          o.putNull("sliding_window");
        }
      }
    }
    if (c.bosTokenId() >= 0) {
      o.put("bos_token_id", c.bosTokenId());
    }
    if (type.equals("phi3") && !c.eosTokenIds().isEmpty()) {
      // Phi3Config's default pad id (32000) must be inside the vocabulary; Phi-3 pads with EOS
      o.put("pad_token_id", c.eosTokenIds().get(0));
    }
    if (c.eosTokenIds().size() == 1) {
      o.put("eos_token_id", c.eosTokenIds().get(0));
    } else if (!c.eosTokenIds().isEmpty()) {
      var arr = o.putArray("eos_token_id");
      c.eosTokenIds().forEach(arr::add);
    }
    o.put("torch_dtype", "float32");
    return o;
  }

  static String architecture(String type) {
    return switch (type) {
      case "llama" -> "LlamaForCausalLM";
      case "mistral" -> "MistralForCausalLM";
      case "qwen2" -> "Qwen2ForCausalLM";
      case "qwen3" -> "Qwen3ForCausalLM";
      case "phi3" -> "Phi3ForCausalLM";
      case "gemma2" -> "Gemma2ForCausalLM";
      default -> throw new IllegalArgumentException("unknown family " + type);
    };
  }

  private static String activation(JsonNode n, String type) {
    // gemma2's MLP reads hidden_activation (transformers ignores hidden_act there)
    String field = type.equals("gemma2") ? "hidden_activation" : "hidden_act";
    String fallback = type.equals("gemma2") ? "gelu_pytorch_tanh" : "silu";
    String act = n.hasNonNull(field) ? n.get(field).asText() : fallback;
    String canonical =
        switch (act) {
          case "swish" -> "silu";
          case "gelu_new", "gelu_fast" -> "gelu_pytorch_tanh"; // the same tanh approximation
          default -> act;
        };
    if (!ACTIVATIONS.contains(canonical)) {
      throw new IllegalArgumentException(
          field
              + " = '"
              + act
              + "' is not supported (supported: silu, gelu_pytorch_tanh, gelu_new, gelu_fast, gelu)");
    }
    return canonical;
  }

  private static void checkLayerTypes(JsonNode n, Arch arch, int window, int layers) {
    JsonNode types = n.get("layer_types");
    if (types == null || types.isNull()) {
      return;
    }
    if (!types.isArray() || types.size() != layers) {
      throw new IllegalArgumentException(
          "layer_types must list num_hidden_layers = " + layers + " entries, got " + types);
    }
    for (int i = 0; i < layers; i++) {
      String t = types.get(i).asText();
      boolean sliding = window > 0 && arch.windowed(i);
      String expected = sliding ? "sliding_attention" : "full_attention";
      if (!t.equals(expected)) {
        throw new IllegalArgumentException(
            "layer_types["
                + i
                + "] = '"
                + t
                + "' is not supported for "
                + arch.family()
                + " (the family's rule gives '"
                + expected
                + "')");
      }
    }
  }

  private static int windowField(JsonNode n, int fallback) {
    JsonNode w = n.get("sliding_window");
    if (w == null) {
      return fallback;
    }
    if (w.isNull()) {
      return 0;
    }
    if (!w.canConvertToInt() || w.asInt() < 1) {
      throw new IllegalArgumentException(
          "sliding_window must be null or an integer >= 1, got " + w);
    }
    return w.asInt();
  }

  private static double softcap(JsonNode n, String field, double fallback) {
    JsonNode v = n.get(field);
    if (v == null) {
      return fallback;
    }
    if (v.isNull()) {
      return 0;
    }
    if (!v.isNumber() || !(v.asDouble() > 0)) {
      throw new IllegalArgumentException(field + " must be null or a number > 0, got " + v);
    }
    return v.asDouble();
  }

  private static void putCap(ObjectNode o, String field, double cap) {
    if (cap > 0) {
      o.put(field, cap);
    } else {
      o.putNull(field);
    }
  }

  private static boolean flag(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(field + " must be true or false, got " + v);
    }
    return v.asBoolean();
  }

  /** A field that is present, not null, and not false/0. */
  private static boolean set(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null
        && !v.isNull()
        && !(v.isBoolean() && !v.asBoolean())
        && !(v.isNumber() && v.asDouble() == 0);
  }

  static int intField(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || !v.canConvertToInt()) {
      throw new IllegalArgumentException(
          "expected integer field '" + name + "', got " + (v == null ? "nothing" : v));
    }
    return v.asInt();
  }
}
