package dev.cura.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official chat templates of Llama 3.1, Qwen2.5, Qwen3, Mistral v0.3, Phi-3 and Gemma 2,
 * rendered by CURA's {@link ChatTemplate} byte for byte as Jinja2 renders them under transformers'
 * apply_chat_template settings (goldens: src/test/python/make_chat_template_goldens.py).
 */
class ChatTemplateGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path dir() throws Exception {
    return Path.of(ChatTemplateGoldenTest.class.getResource("/chat-templates").toURI());
  }

  static JsonNode goldens() throws Exception {
    return JSON.readTree(dir().resolve("goldens.json").toFile());
  }

  static Stream<Arguments> cases() throws Exception {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : goldens().get("cases")) {
      out.add(Arguments.of(c.get("template").asText(), c.get("case").asText(), c));
    }
    return out.stream();
  }

  /** The model templates' renderable conversations that have an assistant turn. */
  static Stream<Arguments> maskCases() throws Exception {
    return cases()
        .filter(
            a -> {
              JsonNode c = (JsonNode) a.get()[2];
              return !c.has("error")
                  && END_OF_TURN.containsKey(c.get("template").asText())
                  && messages(c).stream().anyMatch(m -> m.role().equals("assistant"));
            });
  }

  static ChatTemplate template(JsonNode c) throws Exception {
    String source = Files.readString(dir().resolve(c.get("template").asText() + ".jinja"));
    LocalDateTime now = LocalDateTime.parse(goldens().get("now").asText());
    return new ChatTemplate(source, text(c.get("bos_token")), text(c.get("eos_token")), () -> now);
  }

  static List<Conversation.Message> messages(JsonNode c) {
    List<Conversation.Message> out = new ArrayList<>();
    for (JsonNode m : c.get("messages")) {
      out.add(new Conversation.Message(m.get("role").asText(), m.get("content").asText()));
    }
    return out;
  }

  static Map<String, Object> kwargs(JsonNode c) {
    Map<String, Object> out = new LinkedHashMap<>();
    c.get("kwargs")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class)));
    return out;
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void rendersAsJinja2(String template, String title, JsonNode c) throws Exception {
    ChatTemplate t = template(c);
    boolean gen = c.get("add_generation_prompt").asBoolean();
    if (c.has("error")) {
      var e =
          assertThrows(IllegalArgumentException.class, () -> t.render(messages(c), gen, kwargs(c)));
      assertTrue(
          e.getMessage().contains(c.get("error").asText()),
          "expected the template's own error '" + c.get("error").asText() + "', got " + e);
    } else {
      assertEquals(c.get("output").asText(), t.render(messages(c), gen, kwargs(c)));
    }
  }

  /** The end-of-turn text each template writes after an assistant message. */
  private static final Map<String, String> END_OF_TURN =
      Map.of(
          "llama-3.1", "<|eot_id|>",
          "qwen2.5", "<|im_end|>\n",
          "qwen3", "<|im_end|>\n",
          "mistral-v0.3", "</s>",
          "phi-3", "<|end|>\n",
          "gemma-2", "<end_of_turn>\n");

  /**
   * The assistant-only loss covers exactly the assistant turns: each span holds its reply's text
   * and ends with the template's end-of-turn marker, and no user or system text is inside one.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("maskCases")
  void lossMaskCoversAssistantTurns(String template, String title, JsonNode c) throws Exception {
    List<Conversation.Message> msgs = messages(c);
    ChatTemplate.Rendered r = template(c).renderWithSpans(msgs, kwargs(c));
    if (!c.get("add_generation_prompt").asBoolean()) {
      assertEquals(c.get("output").asText(), r.text());
    }
    List<Conversation.Message> replies =
        msgs.stream().filter(m -> m.role().equals("assistant")).toList();
    assertEquals(replies.size(), r.spans().size());
    int previous = 0;
    for (int i = 0; i < replies.size(); i++) {
      int[] sp = r.spans().get(i);
      String covered = r.text().substring(sp[0], sp[1]);
      String reply = replies.get(i).content();
      String visible =
          reply.contains("</think>") ? reply.substring(reply.indexOf("</think>") + 8) : reply;
      assertTrue(sp[0] >= previous, "spans in order");
      assertTrue(covered.contains(visible.strip()), covered + " holds the reply " + visible);
      String eot = END_OF_TURN.get(template);
      String eos = text(c.get("eos_token"));
      assertTrue(
          covered.endsWith(eot) || covered.endsWith(eot + eos),
          "ends with the end of turn (and, for the last turn, maybe EOS): " + covered);
      for (Conversation.Message m : msgs) {
        if (!m.role().equals("assistant")) {
          assertTrue(
              !covered.contains(m.content().strip()), "no " + m.role() + " text in " + covered);
        }
      }
      previous = sp[1];
    }
  }

  @Test
  void everyOfficialTemplateIsCovered() throws Exception {
    List<String> names = new ArrayList<>();
    goldens().get("cases").forEach(c -> names.add(c.get("template").asText()));
    for (String t : List.of("llama-3.1", "qwen2.5", "qwen3", "mistral-v0.3", "phi-3", "gemma-2")) {
      assertTrue(names.contains(t), t);
    }
  }
}
