package dev.cura.tools.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.engine.data.jinja.JinjaTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported files load in Hugging Face tokenizers (through DJL, offline) and agree with us. */
class HfTokenizerFilesTest {
  @TempDir static Path dir;
  static BpeModel model;
  static HuggingFaceTokenizer hf;

  static final List<String> SAMPLES =
      List.of(
          "Hello, world!",
          "@maria_k: Loved the ramen video, so clear and calm.",
          "Thanks, @zoë_b! Good question: I let the sourdough rise about eight hours. ~Jo",
          "  leading and trailing spaces  ",
          "tabs\tand\nnewlines\r\nand\n\n\nblank lines",
          "Zoë's café in Kraków — naïve résumé, São Paulo, Malmö",
          "日本語のテキストと한국어",
          "emoji 🌱👋🏽 and a family 👩‍👩‍👧 (ZWJ)",
          "math ∑ x² ≤ ∞, 3.14159, 1,000,000 and -42",
          "don't won't I'll we've they're",
          "a",
          "");

  @BeforeAll
  static void trainAndExport() throws Exception {
    PreTokenCounts counts = new PreTokenCounts().add(BpeTrainerTest.corpus(11, 20_000));
    for (int repeat = 0; repeat < 3; repeat++) {
      SAMPLES.subList(0, 3).forEach(counts::add); // so their words are frequent enough to merge
    }
    model = new BpeTrainer(1024, ChatFormat.SPECIAL_TOKENS, 2).train(counts, i -> {});
    HfTokenizerFiles.write(model, dir);
    hf = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"));
  }

  static String randomUnicode(Random rnd, int codePoints) {
    StringBuilder sb = new StringBuilder();
    while (sb.codePointCount(0, sb.length()) < codePoints) {
      int cp =
          switch (rnd.nextInt(4)) {
            case 0 -> 0x20 + rnd.nextInt(0x5F); // ASCII
            case 1 -> 0xA0 + rnd.nextInt(0x700); // Latin-1 .. Cyrillic
            case 2 -> 0x4E00 + rnd.nextInt(0x5000); // CJK
            default -> 0x1F300 + rnd.nextInt(0x300); // emoji (4 UTF-8 bytes)
          };
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }

  @Test
  void roundTripsTextExactly() {
    List<String> texts = new ArrayList<>(SAMPLES);
    Random rnd = new Random(5);
    for (int i = 0; i < 50; i++) {
      texts.add(randomUnicode(rnd, 1 + rnd.nextInt(40)));
    }
    for (String text : texts) {
      long[] ids = hf.encode(text, false, false).getIds();
      assertEquals(text, hf.decode(ids, false), () -> "ids " + Arrays.toString(ids));
    }
  }

  @Test
  void huggingFaceEncodesLikeTheReferenceEncoder() {
    BpeEncoder ours = new BpeEncoder(model);
    Random rnd = new Random(9);
    List<String> texts = new ArrayList<>(SAMPLES);
    texts.add(BpeTrainerTest.corpus(12, 400));
    for (int i = 0; i < 20; i++) {
      texts.add(randomUnicode(rnd, 30));
    }
    for (String text : texts) {
      long[] theirs = hf.encode(text, false, false).getIds();
      int[] mine = ours.encode(text);
      assertArrayEquals(Arrays.stream(mine).asLongStream().toArray(), theirs, text);
    }
    assertTrue(ours.encode(SAMPLES.get(1)).length < SAMPLES.get(1).length() / 2, "merges apply");
  }

  @Test
  void specialTokensHaveTheirIds() {
    Encoding e = hf.encode("<s><|user|>\nhi</s>\n<|assistant|>\nyo</s>", false, false);
    long[] ids = e.getIds();
    assertEquals(1, ids[0]); // <s>
    assertEquals(5, ids[1]); // <|user|>
    assertEquals(2, ids[ids.length - 1]); // </s>
    assertTrue(Arrays.stream(ids).anyMatch(id -> id == 6), "<|assistant|>");
    assertEquals("<s><|user|>\nhi</s>\n<|assistant|>\nyo</s>", hf.decode(ids, false));
    assertEquals("\nhi\n\nyo", hf.decode(ids, true));
    // no post-processor: asking for special tokens adds none
    assertEquals(
        ids.length, hf.encode("<s><|user|>\nhi</s>\n<|assistant|>\nyo</s>").getIds().length);
  }

  @Test
  void chatTemplateRendersAndAssistantTurnIsLocatable() throws Exception {
    JsonNode cfg = new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile());
    assertEquals("<s>", cfg.get("bos_token").asText());
    assertEquals("</s>", cfg.get("eos_token").asText());
    String comment = "@maria_k: Loved the ramen video!";
    String reply = "Thanks, @maria_k! So glad you enjoyed the ramen video. ~Jo";
    Map<String, Object> ctx =
        Map.of(
            "messages",
            List.of(
                Map.of("role", "user", "content", comment),
                Map.of("role", "assistant", "content", reply)),
            "bos_token",
            cfg.get("bos_token").asText(),
            "eos_token",
            cfg.get("eos_token").asText(),
            "add_generation_prompt",
            false);
    String rendered = new JinjaTemplate(cfg.get("chat_template").asText()).render(ctx);
    assertEquals("<s><|user|>\n" + comment + "</s>\n<|assistant|>\n" + reply + "</s>\n", rendered);

    long[] ids = hf.encode(rendered, false, false).getIds();
    int newline = Arrays.asList(model.tokenStrings()).indexOf("Ċ");
    int at = -1;
    for (int i = 0; i + 1 < ids.length; i++) {
      if (ids[i] == 6 && ids[i + 1] == newline) {
        at = i + 2;
      }
    }
    assertTrue(at > 0, "<|assistant|> followed by the newline token");
    int end = at;
    while (ids[end] != 2) {
      end++;
    }
    assertEquals(reply, hf.decode(Arrays.copyOfRange(ids, at, end), false));

    Map<String, Object> prompt =
        Map.of(
            "messages",
            List.of(Map.of("role", "user", "content", comment)),
            "bos_token",
            "<s>",
            "eos_token",
            "</s>",
            "add_generation_prompt",
            true);
    assertEquals(
        "<s><|user|>\n" + comment + "</s>\n<|assistant|>\n",
        new JinjaTemplate(cfg.get("chat_template").asText()).render(prompt));
  }

  @Test
  void loadsFromTheDirectoryToo() throws Exception {
    assertTrue(Files.exists(dir.resolve("tokenizer_config.json")));
    try (HuggingFaceTokenizer fromDir = HuggingFaceTokenizer.newInstance(dir)) {
      assertArrayEquals(
          hf.encode(SAMPLES.get(1), false, false).getIds(),
          fromDir.encode(SAMPLES.get(1), false, false).getIds());
    }
    JsonNode json = new ObjectMapper().readTree(dir.resolve("tokenizer.json").toFile());
    assertEquals(model.vocabSize(), json.at("/model/vocab").size());
    assertEquals(model.merges().size(), json.at("/model/merges").size());
    assertEquals(ChatFormat.SPECIAL_TOKENS.size(), json.get("added_tokens").size());
  }
}
