package dev.cura.engine.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A word-level {@code tokenizer.json} for random checkpoints: token i is the word {@code t<i>}
 * (whitespace-split), the config's BOS/EOS ids are the special tokens {@code <s>} and {@code </s>}
 * — so a synthetic model can be trained and served through the whole system on text like "t5 t17".
 */
public final class SyntheticTokenizer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SyntheticTokenizer() {}

  /** Writes tokenizer.json and tokenizer_config.json for {@code cfg} into {@code dir}. */
  public static void write(Path dir, LlamaConfig cfg) throws IOException {
    int bos = cfg.bosTokenId();
    int eos = cfg.eosTokenIds().isEmpty() ? -1 : cfg.eosTokenIds().get(0);
    ObjectNode t = JSON.createObjectNode();
    t.put("version", "1.0");
    var added = t.putArray("added_tokens");
    ObjectNode vocab = JSON.createObjectNode();
    for (int i = 0; i < cfg.vocabSize(); i++) {
      String word = i == bos ? "<s>" : i == eos ? "</s>" : "t" + i;
      vocab.put(word, i);
      if (i == bos || i == eos) {
        added
            .addObject()
            .put("id", i)
            .put("content", word)
            .put("single_word", false)
            .put("lstrip", false)
            .put("rstrip", false)
            .put("normalized", false)
            .put("special", true);
      }
    }
    t.putNull("normalizer");
    t.putObject("pre_tokenizer").put("type", "WhitespaceSplit");
    t.putNull("post_processor");
    t.putNull("decoder");
    ObjectNode model = t.putObject("model");
    model.put("type", "WordLevel");
    model.set("vocab", vocab);
    model.put("unk_token", eos >= 0 ? "</s>" : "t" + (cfg.vocabSize() - 1));
    JSON.writeValue(dir.resolve("tokenizer.json").toFile(), t);
    ObjectNode c = JSON.createObjectNode();
    if (bos >= 0) {
      c.put("bos_token", "<s>");
    }
    if (eos >= 0) {
      c.put("eos_token", "</s>");
    }
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("tokenizer_config.json").toFile(), c);
  }
}
