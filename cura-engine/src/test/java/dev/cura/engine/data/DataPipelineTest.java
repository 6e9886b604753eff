package dev.cura.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.engine.model.LlamaConfig;
import dev.cura.engine.testutil.TinyModelDir;
import dev.cura.engine.train.Batch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataPipelineTest {
  static final String TEMPLATE =
      "{{ bos_token }}{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}"
          + "{% if m['role'] == 'assistant' %}{{ eos_token }}{% endif %}{% endfor %}"
          + "{% if add_generation_prompt %}<assistant>{% endif %}";

  @Test
  void badJsonlErrorsNameTheLine(@TempDir Path tmp) throws Exception {
    Path f =
        TinyModelDir.jsonl(
            tmp.resolve("d.jsonl"),
            List.of("{\"prompt\": \"a\", \"completion\": \"b\"}", "", "{not json"));
    var e = assertThrows(IllegalArgumentException.class, () -> JsonlDataset.read(f));
    assertTrue(e.getMessage().startsWith("d.jsonl:3: not valid JSON"), e.getMessage());

    String[][] cases = {
      {"[1, 2]", "d.jsonl:1: expected a JSON object"},
      {"{\"text\": \"x\"}", "d.jsonl:1: expected 'messages' or 'prompt'/'completion'"},
      {"{\"messages\": []}", "d.jsonl:1: 'messages' must be a non-empty array"},
      {"{\"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}", "d.jsonl:1: messages[0].role"},
      {"{\"messages\": [{\"role\": \"user\", \"content\": 5}]}", "d.jsonl:1: messages[0].content"},
      {
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}", "d.jsonl:1: expected at least"
      },
      {"{\"prompt\": \"x\"}", "d.jsonl:1: 'prompt' and 'completion' must both be strings"},
    };
    for (String[] c : cases) {
      Files.writeString(f, c[0] + "\n");
      var ex = assertThrows(IllegalArgumentException.class, () -> JsonlDataset.read(f));
      assertTrue(ex.getMessage().startsWith(c[1]), c[0] + " → " + ex.getMessage());
    }
  }

  @Test
  void badTokenizerAndConfigAreReported(@TempDir Path tmp) throws Exception {
    Path dir = TinyModelDir.create(tmp.resolve("m"), 1);
    LlamaConfig cfg = TinyModelDir.config();
    Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\"}");
    var e = assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(dir, cfg));
    assertTrue(e.getMessage().contains("expected a 'model' object"), e.getMessage());
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Nope\"}}");
    e = assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(dir, cfg));
    assertTrue(e.getMessage().contains("rejected"), e.getMessage());
    Files.delete(dir.resolve("tokenizer.json"));
    e = assertThrows(IllegalArgumentException.class, () -> TextTokenizer.load(dir, cfg));
    assertTrue(e.getMessage().startsWith("expected a tokenizer.json"), e.getMessage());

    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
    e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.read(dir));
    assertTrue(
        e.getMessage()
            .contains(
                "model_type must be one of [gemma2, llama, mistral, phi3, qwen2, qwen3], got 'gpt2'"),
        e.getMessage());
    Files.writeString(
        dir.resolve("config.json"),
        "{\"model_type\": \"llama\", \"vocab_size\": 10, \"hidden_size\": 8,"
            + " \"intermediate_size\": 16, \"num_hidden_layers\": 1, \"num_attention_heads\": 2,"
            + " \"num_key_value_heads\": 3}");
    e = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.read(dir));
    assertTrue(e.getMessage().contains("num_key_value_heads must divide"), e.getMessage());
  }

  @Test
  void promptCompletionMasksAndBosEos(@TempDir Path tmp) throws Exception {
    Path dir = TinyModelDir.create(tmp.resolve("m"), 1);
    try (TextTokenizer tok = TextTokenizer.load(dir, TinyModelDir.config())) {
      Example e =
          new ExampleBuilder(tok, 64)
              .build(JsonlDataset.parse("{\"prompt\": \"ab\", \"completion\": \"cd\"}", "x", 1));
      long a = tok.encode("a")[0], b = tok.encode("b")[0], c = tok.encode("c")[0];
      long d = tok.encode("d")[0];
      assertArrayEquals(new long[] {1, a, b, c, d, 2}, e.ids());
      assertArrayEquals(new boolean[] {false, false, false, true, true, true}, e.target());
      Example cut =
          new ExampleBuilder(tok, 4)
              .build(JsonlDataset.parse("{\"prompt\": \"ab\", \"completion\": \"cd\"}", "x", 1));
      assertEquals(4, cut.length());
    }
  }

  @Test
  void chatTemplateMarksOnlyAssistantTokens(@TempDir Path tmp) throws Exception {
    Path dir = TinyModelDir.create(tmp.resolve("m"), TinyModelDir.config(), 1, TEMPLATE);
    try (TextTokenizer tok = TextTokenizer.load(dir, TinyModelDir.config())) {
      Conversation conv =
          JsonlDataset.parse(
              "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"},"
                  + " {\"role\": \"assistant\", \"content\": \"yo\"}]}",
              "x",
              1);
      Example e = new ExampleBuilder(tok, 128).build(conv);
      // rendered: <s><user>hi<assistant>yo</s>  — BOS from the template, no extra BOS
      assertEquals(1, e.ids()[0]);
      assertTrue(e.ids()[1] != 1);
      StringBuilder targets = new StringBuilder();
      for (int i = 0; i < e.length(); i++) {
        if (e.target()[i]) {
          targets.append(tok.decode(new long[] {e.ids()[i]}));
        }
      }
      assertEquals("yo", targets.toString().replace("</s>", ""));
      assertEquals(2, e.ids()[e.length() - 1]); // EOS is a target
      assertTrue(e.target()[e.length() - 1]);
    }
  }

  @Test
  void samplerIsDeterministicAndPadsWithIgnoredLabels() {
    List<Example> ex =
        List.of(
            new Example(new long[] {1, 5, 6}, new boolean[] {false, true, true}, 1),
            new Example(new long[] {1, 7}, new boolean[] {false, true}, 2),
            new Example(new long[] {1, 8, 9, 10}, new boolean[] {false, false, true, true}, 3));
    BatchSampler a = new BatchSampler(ex, 2, 8, 3, false, 0);
    BatchSampler b = new BatchSampler(ex, 2, 8, 3, false, 0);
    for (int i = 0; i < 5; i++) {
      Batch x = a.next();
      Batch y = b.next();
      assertArrayEquals(x.ids(), y.ids());
      assertArrayEquals(x.labels(), y.labels());
    }
    Batch c = BatchSampler.collate(ex.subList(0, 2), 0);
    assertArrayEquals(new long[] {1, 5, 6, 1, 7, 0}, c.ids());
    assertArrayEquals(new long[] {-100, 5, 6, -100, 7, -100}, c.labels());
    BatchSampler packed = new BatchSampler(ex, 1, 8, 3, true, 0);
    Batch p = packed.next();
    assertTrue(p.length() >= 5 && p.length() <= 8, "packed row length " + p.length());
  }
}
