package dev.cura.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The architecture of a Llama-family decoder, read from a Hugging Face {@code config.json}.
 *
 * <p>Supported {@code model_type}s: llama, mistral, qwen2, qwen3, phi3 and gemma2; {@link Arch}
 * holds what differs between them (read and validated by {@link FamilyConfigs}). {@code kvHeads}
 * defaults to {@code heads} (multi-head attention).
 *
 * @param modelType the family (config.json's model_type)
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
 * @param slidingWindow the attention window of windowed layers ({@link #windowOf}), 0 for none
 * @param bosTokenId BOS id or -1
 * @param eosTokenIds EOS ids (may be empty)
 * @param maxPositions max_position_embeddings
 * @param arch the family's math switches
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
    int maxPositions,
    Arch arch) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public LlamaConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
    require(arch.family().equals(modelType), "arch " + arch.family() + " != " + modelType);
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
        4096,
        Arch.LLAMA);
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

  /** Parses and validates a config.json tree; {@code where} names the source in errors. */
  public static LlamaConfig parse(JsonNode n, String where) {
    return FamilyConfigs.parse(n, where);
  }

  /** The config.json transformers would write for this architecture. */
  public JsonNode toJson() {
    return FamilyConfigs.write(this);
  }

  /** The same shapes under another family's math. */
  public LlamaConfig withArch(Arch a) {
    return new LlamaConfig(
        a.family(),
        vocabSize,
        hidden,
        intermediate,
        layers,
        heads,
        kvHeads,
        headDim,
        rmsNormEps,
        ropeTheta,
        tieWordEmbeddings,
        slidingWindow,
        bosTokenId,
        eosTokenIds,
        maxPositions,
        a);
  }

  /** The sliding window of layer {@code i}, 0 for full causal attention. */
  public int windowOf(int layer) {
    return slidingWindow > 0 && arch.windowed(layer) ? slidingWindow : 0;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
