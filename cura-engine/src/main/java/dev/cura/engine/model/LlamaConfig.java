package dev.cura.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a Llama-family decoder, read from a Hugging Face {@code config.json}.
 *
 * <p>Supported {@code model_type}s: {@code llama} and {@code mistral} (same weights; mistral may
 * add a sliding attention window). {@code headDim} defaults to {@code hidden / heads} as in
 * transformers; {@code kvHeads} defaults to {@code heads} (multi-head attention).
 *
 * @param modelType llama or mistral
 * @param vocabSize V
 * @param hidden C, the residual width
 * @param intermediate the MLP width
 * @param layers number of decoder layers
 * @param heads number of query heads
 * @param kvHeads number of key/value heads (grouped-query attention when smaller than heads)
 * @param headDim width of one head
 * @param rmsNormEps epsilon inside RMSNorm
 * @param ropeTheta RoPE base
 * @param tieWordEmbeddings lm_head shares the embedding matrix
 * @param slidingWindow mistral's attention window, 0 for none
 * @param bosTokenId BOS id or -1
 * @param eosTokenIds EOS ids (may be empty)
 * @param maxPositions max_position_embeddings
 */
public record LlamaConfig(
    String modelType,
    int vocabSize,
    int hidden,
    int intermediate,
    int layers,
    int heads,
    int kvHeads,
    int headDim,
    double rmsNormEps,
    double ropeTheta,
    boolean tieWordEmbeddings,
    int slidingWindow,
    int bosTokenId,
    List<Integer> eosTokenIds,
    int maxPositions) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public LlamaConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
    require(vocabSize > 0, "vocab_size must be > 0, got " + vocabSize);
    require(hidden > 0, "hidden_size must be > 0, got " + hidden);
    require(intermediate > 0, "intermediate_size must be > 0, got " + intermediate);
    require(layers > 0, "num_hidden_layers must be > 0, got " + layers);
    require(heads > 0, "num_attention_heads must be > 0, got " + heads);
    require(
        kvHeads > 0 && heads % kvHeads == 0,
        "num_key_value_heads must divide num_attention_heads (" + heads + "), got " + kvHeads);
    require(headDim > 0 && headDim % 2 == 0, "head_dim must be even and > 0, got " + headDim);
  }

  /** A small config for tests and benchmarks: llama, untied, theta 10000, eps 1e-6. */
  public static LlamaConfig of(
      int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads, boolean tied) {
    return new LlamaConfig(
        "llama",
        vocab,
        hidden,
        intermediate,
        layers,
        heads,
        kvHeads,
        hidden / heads,
        1e-6,
        10000.0,
        tied,
        0,
        1,
        List.of(2),
        4096);
  }

  /** Number of query heads sharing one key/value head. */
  public int groupSize() {
    return heads / kvHeads;
  }

  /** Reads and validates {@code dir/config.json}. */
  public static LlamaConfig read(Path dir) throws IOException {
    Path file = dir.resolve("config.json");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("expected a Hugging Face config.json in " + dir);
    }
    JsonNode n;
    try {
      n = JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          file + " is not valid JSON: " + dev.cura.core.util.Json.describe(e), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
    }
    return parse(n, file.toString());
  }

  /** Parses a config.json tree; {@code where} names the source in error messages. */
  public static LlamaConfig parse(JsonNode n, String where) {
    String type = n.path("model_type").asText("");
    if (!type.equals("llama") && !type.equals("mistral")) {
      throw new IllegalArgumentException(
          where + ": model_type must be llama or mistral, got '" + type + "'");
    }
    JsonNode scaling = n.path("rope_scaling");
    if (!scaling.isMissingNode() && !scaling.isNull()) {
      String kind = scaling.path("rope_type").asText(scaling.path("type").asText(""));
      if (!kind.equals("default")) {
        throw new IllegalArgumentException(
            where + ": rope_scaling '" + kind + "' is not supported (only plain RoPE)");
      }
    }
    if (n.path("attention_bias").asBoolean(false) || n.path("mlp_bias").asBoolean(false)) {
      throw new IllegalArgumentException(where + ": attention_bias/mlp_bias are not supported");
    }
    int hidden = intField(n, "hidden_size", where);
    int heads = intField(n, "num_attention_heads", where);
    List<Integer> eos = new ArrayList<>();
    JsonNode e = n.path("eos_token_id");
    if (e.isArray()) {
      e.forEach(x -> eos.add(x.asInt()));
    } else if (e.isNumber()) {
      eos.add(e.asInt());
    }
    JsonNode window = n.path("sliding_window");
    return new LlamaConfig(
        type,
        intField(n, "vocab_size", where),
        hidden,
        intField(n, "intermediate_size", where),
        intField(n, "num_hidden_layers", where),
        heads,
        n.path("num_key_value_heads").isNumber() ? n.get("num_key_value_heads").asInt() : heads,
        n.path("head_dim").isNumber() ? n.get("head_dim").asInt() : hidden / heads,
        n.path("rms_norm_eps").asDouble(1e-6),
        n.path("rope_theta").asDouble(10000.0),
        n.path("tie_word_embeddings").asBoolean(false),
        window.isNumber() ? window.asInt() : 0,
        n.path("bos_token_id").isNumber() ? n.get("bos_token_id").asInt() : -1,
        eos,
        n.path("max_position_embeddings").asInt(4096));
  }

  /** The config.json transformers would write for this architecture. */
  public JsonNode toJson() {
    var o = JSON.createObjectNode();
    o.putArray("architectures")
        .add(modelType.equals("mistral") ? "MistralForCausalLM" : "LlamaForCausalLM");
    o.put("model_type", modelType);
    o.put("vocab_size", vocabSize);
    o.put("hidden_size", hidden);
    o.put("intermediate_size", intermediate);
    o.put("num_hidden_layers", layers);
    o.put("num_attention_heads", heads);
    o.put("num_key_value_heads", kvHeads);
    o.put("head_dim", headDim);
    o.put("rms_norm_eps", rmsNormEps);
    o.put("rope_theta", ropeTheta);
    o.put("tie_word_embeddings", tieWordEmbeddings);
    o.put("hidden_act", "silu");
    o.put("max_position_embeddings", maxPositions);
    if (bosTokenId >= 0) {
      o.put("bos_token_id", bosTokenId);
    }
    if (eosTokenIds.size() == 1) {
      o.put("eos_token_id", eosTokenIds.get(0));
    } else if (!eosTokenIds.isEmpty()) {
      var a = o.putArray("eos_token_id");
      eosTokenIds.forEach(a::add);
    }
    if (slidingWindow > 0) {
      o.put("sliding_window", slidingWindow);
    }
    o.put("torch_dtype", "float32");
    return o;
  }

  private static int intField(JsonNode n, String name, String where) {
    JsonNode v = n.get(name);
    if (v == null || !v.canConvertToInt()) {
      throw new IllegalArgumentException(
          where + ": expected integer field '" + name + "', got " + (v == null ? "nothing" : v));
    }
    return v.asInt();
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
