package dev.cura.engine.testutil;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cura.core.tensor.DType;
import dev.cura.engine.model.CheckpointWriter;
import dev.cura.engine.model.LlamaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A tiny HF model directory for tests: random Llama weights (seeded) and a character-level
 * tokenizer.json (BPE without merges: &lt;unk&gt;=0, &lt;s&gt;=1, &lt;/s&gt;=2, then '\n' and
 * printable ASCII), vocab 100.
 */
public final class TinyModelDir {
  public static final int VOCAB = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  private TinyModelDir() {}

  public static LlamaConfig config() {
    return LlamaConfig.of(VOCAB, 32, 64, 2, 4, 2, false);
  }

  public static Path create(Path dir, long seed) throws IOException {
    return create(dir, config(), seed, null);
  }

  /** Writes weights, config.json, tokenizer.json and (if given) a chat template. */
  public static Path create(Path dir, LlamaConfig cfg, long seed, String chatTemplate)
      throws IOException {
    CheckpointWriter.write(dir, cfg, RandomLlama.entries(cfg, seed), DType.F32, 1);
    writeTokenizer(dir);
    ObjectNode tc = JSON.createObjectNode();
    tc.put("bos_token", "<s>");
    tc.put("eos_token", "</s>");
    if (chatTemplate != null) {
      tc.put("chat_template", chatTemplate);
    }
    JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), tc);
    return dir;
  }

  public static void writeTokenizer(Path dir) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    var added = root.putArray("added_tokens");
    String[] specials = {"<unk>", "<s>", "</s>"};
    for (int i = 0; i < specials.length; i++) {
      ObjectNode t = added.addObject();
      t.put("id", i);
      t.put("content", specials[i]);
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    }
    root.putNull("normalizer");
    root.putNull("pre_tokenizer");
    root.putNull("post_processor");
    root.putObject("decoder").put("type", "Fuse");
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.put("unk_token", "<unk>");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    ObjectNode vocab = model.putObject("vocab");
    for (int i = 0; i < specials.length; i++) {
      vocab.put(specials[i], i);
    }
    int id = 3;
    vocab.put("\n", id++);
    for (char c = 32; c < 127; c++) {
      vocab.put(String.valueOf(c), id++);
    }
    model.putArray("merges");
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve("tokenizer.json").toFile(), root);
  }

  /** Writes JSONL lines. */
  public static Path jsonl(Path file, List<String> lines) throws IOException {
    Files.write(file, lines);
    return file;
  }
}
