package dev.cura.tools.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a {@link BpeModel} as the Hugging Face tokenizer files: {@code tokenizer.json} (model BPE,
 * ByteLevel pre-tokenizer and decoder without prefix space, the special tokens as added tokens, no
 * post-processor — templates add {@code <s>}/{@code </s>} themselves) and {@code
 * tokenizer_config.json} ({@code bos_token}, {@code eos_token}, {@code chat_template}, ...).
 */
public final class HfTokenizerFiles {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private HfTokenizerFiles() {}

  /** Writes both files into {@code dir} (created if missing), each atomically. */
  public static void write(BpeModel model, Path dir) throws IOException {
    Files.createDirectories(dir);
    writeAtomically(dir.resolve("tokenizer.json"), tokenizerJson(model));
    writeAtomically(dir.resolve("tokenizer_config.json"), tokenizerConfig(model));
  }

  static ObjectNode tokenizerJson(BpeModel model) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int id = 0; id < model.specialTokens().size(); id++) {
      added.add(addedToken(id, model.specialTokens().get(id)));
    }
    root.putNull("normalizer");
    root.set("pre_tokenizer", byteLevel(false));
    root.putNull("post_processor");
    root.set("decoder", byteLevel(true));
    ObjectNode bpe = root.putObject("model");
    bpe.put("type", "BPE");
    bpe.putNull("dropout");
    bpe.putNull("unk_token");
    bpe.putNull("continuing_subword_prefix");
    bpe.putNull("end_of_word_suffix");
    bpe.put("fuse_unk", false);
    bpe.put("byte_fallback", false);
    ObjectNode vocab = bpe.putObject("vocab");
    String[] strings = model.tokenStrings();
    for (int id = 0; id < strings.length; id++) {
      vocab.put(strings[id], id);
    }
    ArrayNode merges = bpe.putArray("merges");
    for (int[] m : model.merges()) {
      merges.add(strings[m[0]] + " " + strings[m[1]]); // byte-level strings contain no space
    }
    return root;
  }

  static ObjectNode tokenizerConfig(BpeModel model) {
    ObjectNode cfg = JSON.createObjectNode();
    cfg.put("tokenizer_class", "PreTrainedTokenizerFast");
    cfg.put("bos_token", ChatFormat.BOS);
    cfg.put("eos_token", ChatFormat.EOS);
    cfg.put("unk_token", ChatFormat.UNK);
    cfg.put("pad_token", ChatFormat.PAD);
    cfg.put("add_bos_token", false);
    cfg.put("add_eos_token", false);
    cfg.put("clean_up_tokenization_spaces", false);
    cfg.put("model_max_length", 2048);
    ObjectNode decoder = cfg.putObject("added_tokens_decoder");
    for (int id = 0; id < model.specialTokens().size(); id++) {
      ObjectNode t = addedToken(id, model.specialTokens().get(id));
      t.remove("id");
      decoder.set(Integer.toString(id), t);
    }
    cfg.put("chat_template", ChatFormat.CHAT_TEMPLATE);
    return cfg;
  }

  private static ObjectNode addedToken(int id, String content) {
    ObjectNode t = JSON.createObjectNode();
    t.put("id", id);
    t.put("content", content);
    t.put("single_word", false);
    t.put("lstrip", false);
    t.put("rstrip", false);
    t.put("normalized", false);
    t.put("special", true);
    return t;
  }

  private static ObjectNode byteLevel(boolean decoder) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "ByteLevel");
    n.put("add_prefix_space", false);
    n.put("trim_offsets", !decoder);
    n.put("use_regex", true);
    return n;
  }

  private static void writeAtomically(Path target, ObjectNode json) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), json);
      try { // createTempFile makes 0600; these files are meant to be read by anyone
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException notPosix) {
        // keep the platform default
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
