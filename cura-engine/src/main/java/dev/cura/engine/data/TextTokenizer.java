package dev.cura.engine.data;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.engine.model.LlamaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The model's tokenizer: {@code tokenizer.json} run by DJL's Hugging Face tokenizers binding
 * (native, offline), plus the special tokens and chat template from {@code tokenizer_config.json}.
 * Encoding never adds special tokens by itself; BOS/EOS are placed by {@link ExampleBuilder}.
 */
public final class TextTokenizer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HuggingFaceTokenizer tokenizer;
  private final Map<String, Long> added = new HashMap<>();
  private final int bosId;
  private final int eosId;
  private final String bosToken;
  private final String eosToken;
  private final String chatTemplate; // null when absent

  private TextTokenizer(
      HuggingFaceTokenizer tokenizer,
      int bosId,
      int eosId,
      String bosToken,
      String eosToken,
      String chatTemplate) {
    this.tokenizer = tokenizer;
    this.bosId = bosId;
    this.eosId = eosId;
    this.bosToken = bosToken;
    this.eosToken = eosToken;
    this.chatTemplate = chatTemplate;
  }

  /** Token ids and the character span [start, end) of each token in the encoded text. */
  public record Encoded(long[] ids, int[] starts, int[] ends) {}

  /**
   * Loads {@code dir/tokenizer.json} (+ {@code tokenizer_config.json} if present). BOS/EOS ids come
   * from the model config, falling back to the tokenizer config's tokens.
   */
  public static TextTokenizer load(Path dir, LlamaConfig cfg) throws IOException {
    Path file = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("expected a tokenizer.json in " + dir);
    }
    JsonNode tj;
    try {
      tj = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    if (!tj.path("model").isObject()) {
      throw new IllegalArgumentException(
          file + ": expected a 'model' object (a HF tokenizer.json)");
    }
    HuggingFaceTokenizer hf;
    try {
      hf =
          HuggingFaceTokenizer.newInstance(
              file,
              Map.of(
                  "addSpecialTokens", "false",
                  "truncation", "false",
                  "padding", "false",
                  "maxLength", "1000000"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          file + ": the tokenizers library rejected it: " + e.getMessage(), e);
    }
    Map<String, Long> added = new HashMap<>();
    for (JsonNode t : tj.path("added_tokens")) {
      added.put(t.path("content").asText(), t.path("id").asLong());
    }
    String bos = null, eos = null, template = null;
    Path tc = dir.resolve("tokenizer_config.json");
    if (Files.isRegularFile(tc)) {
      JsonNode c;
      try {
        c = JSON.readTree(tc.toFile());
      } catch (IOException e) {
        throw new IllegalArgumentException(tc + " is not valid JSON: " + e.getMessage(), e);
      }
      bos = tokenText(c.get("bos_token"));
      eos = tokenText(c.get("eos_token"));
      JsonNode ct = c.get("chat_template");
      if (ct != null && ct.isTextual()) {
        template = ct.asText();
      } else if (ct != null && ct.isArray()) {
        for (JsonNode named : ct) {
          if (named.path("name").asText().equals("default")) {
            template = named.path("template").asText();
          }
        }
      }
    }
    int bosId = cfg.bosTokenId();
    if (bosId < 0 && bos != null && added.containsKey(bos)) {
      bosId = added.get(bos).intValue();
    }
    int eosId = cfg.eosTokenIds().isEmpty() ? -1 : cfg.eosTokenIds().get(0);
    if (eosId < 0 && eos != null && added.containsKey(eos)) {
      eosId = added.get(eos).intValue();
    }
    if (bos == null) {
      bos = tokenFor(added, bosId);
    }
    if (eos == null) {
      eos = tokenFor(added, eosId);
    }
    TextTokenizer t = new TextTokenizer(hf, bosId, eosId, bos, eos, template);
    t.added.putAll(added);
    return t;
  }

  private static String tokenText(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    return n.isTextual() ? n.asText() : n.path("content").asText(null);
  }

  private static String tokenFor(Map<String, Long> added, int id) {
    for (var e : added.entrySet()) {
      if (e.getValue() == id) {
        return e.getKey();
      }
    }
    return "";
  }

  /** Token ids of {@code text}, no special tokens added. */
  public long[] encode(String text) {
    return tokenizer.encode(text, false, false).getIds();
  }

  /** Ids plus character spans (for masking the assistant parts of a rendered chat). */
  public Encoded encodeWithSpans(String text) {
    Encoding e = tokenizer.encode(text, false, false);
    CharSpan[] spans = e.getCharTokenSpans();
    int[] s = new int[spans.length];
    int[] en = new int[spans.length];
    for (int i = 0; i < spans.length; i++) {
      s[i] = spans[i] == null ? -1 : spans[i].getStart();
      en[i] = spans[i] == null ? -1 : spans[i].getEnd();
    }
    return new Encoded(e.getIds(), s, en);
  }

  public String decode(long[] ids) {
    return tokenizer.decode(ids, true);
  }

  public int bosId() {
    return bosId;
  }

  public int eosId() {
    return eosId;
  }

  public String bosToken() {
    return bosToken;
  }

  public String eosToken() {
    return eosToken;
  }

  /** The Jinja chat template of tokenizer_config.json, or null. */
  public String chatTemplate() {
    return chatTemplate;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
