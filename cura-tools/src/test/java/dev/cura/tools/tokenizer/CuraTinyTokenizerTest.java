package dev.cura.tools.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.engine.data.jinja.JinjaTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed models/cura-tiny tokenizer (built by models/cura-tiny/recipe/build.sh) loads
 * offline in DJL, has the documented layout, and handles the whole youtube-replies validation set
 * through the chat template: exact round trip, assistant turn locatable, within seq 256.
 */
class CuraTinyTokenizerTest {

  /** The repository: the module's parent, as Surefire runs in the module. */
  static final Path REPO = Path.of("..");

  @Test
  void validationSetThroughTheChatTemplate() throws Exception {
    Path model = REPO.resolve("models/cura-tiny");
    ObjectMapper json = new ObjectMapper();
    JsonNode cfg = json.readTree(model.resolve("tokenizer_config.json").toFile());
    JsonNode tok = json.readTree(model.resolve("tokenizer.json").toFile());
    assertEquals(4096, tok.at("/model/vocab").size());
    assertEquals(ChatFormat.SPECIAL_TOKENS.size(), tok.get("added_tokens").size());
    for (int id = 0; id < ChatFormat.SPECIAL_TOKENS.size(); id++) {
      assertEquals(id, tok.at("/model/vocab").get(ChatFormat.SPECIAL_TOKENS.get(id)).asInt());
    }
    int newline = tok.at("/model/vocab").get("Ċ").asInt();
    int longest = 0;
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(model)) {
      List<String> lines = Files.readAllLines(REPO.resolve("datasets/youtube-replies/valid.jsonl"));
      for (String line : lines) {
        JsonNode messages = json.readTree(line).get("messages");
        String reply = messages.get(1).get("content").asText();
        Map<String, Object> ctx =
            Map.of(
                "messages",
                json.convertValue(messages, List.class),
                "bos_token",
                "<s>",
                "eos_token",
                "</s>",
                "add_generation_prompt",
                false);
        String text = new JinjaTemplate(cfg.get("chat_template").asText()).render(ctx);
        long[] ids = hf.encode(text, false, false).getIds();
        assertEquals(text, hf.decode(ids, false));
        assertEquals(1, ids[0], "<s> first");
        int at = -1;
        for (int i = 0; i + 1 < ids.length; i++) {
          if (ids[i] == 6 && ids[i + 1] == newline) {
            at = i + 2;
          }
        }
        int end = at;
        while (end < ids.length && ids[end] != 2) {
          end++;
        }
        assertTrue(at > 0 && end < ids.length, text);
        assertEquals(reply, hf.decode(Arrays.copyOfRange(ids, at, end), false));
        longest = Math.max(longest, ids.length);
      }
    }
    // the model card's training length; the data set caps comments at 25 and replies at 20 words
    assertTrue(longest <= 256, "longest rendered example: " + longest + " tokens");
  }
}
