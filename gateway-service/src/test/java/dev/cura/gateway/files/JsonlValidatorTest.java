package dev.cura.gateway.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonlValidatorTest {
  static final String CHAT =
      "{\"messages\":[{\"role\":\"system\",\"content\":\"be kind\"},{\"role\":\"user\",\"content\":\"hi\"},"
          + "{\"role\":\"assistant\",\"content\":\"hello\"}]}";
  static final String COMPLETION = "{\"prompt\":\"2+2=\",\"completion\":\"4\"}";

  static JsonlValidator.Result validate(String text, JsonlValidator.Limits limits)
      throws IOException {
    return new JsonlValidator(limits)
        .validate(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  static JsonlValidator.Result validate(String text) throws IOException {
    return validate(text, JsonlValidator.Limits.DEFAULT);
  }

  @Test
  void acceptsBothFormatsWithOrWithoutFinalNewlineAndCrlf() throws IOException {
    var chat = validate(CHAT + "\n" + CHAT + "\r\n" + CHAT);
    assertTrue(chat.valid(), chat.summary());
    assertEquals(JsonlValidator.Format.CHAT, chat.format());
    assertEquals(3, chat.examples());
    var completion = validate(COMPLETION + "\n" + COMPLETION + "\n");
    assertTrue(completion.valid(), completion.summary());
    assertEquals(JsonlValidator.Format.COMPLETION, completion.format());
    assertEquals(2, completion.examples());
  }

  @Test
  void everyErrorNamesItsLine() throws IOException {
    String text =
        String.join(
                "\n",
                CHAT, // 1
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", // 2 no assistant
                "not json", // 3
                "", // 4 blank
                "{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}", // 5 bad role
                "{\"messages\":[{\"role\":\"assistant\",\"content\":\"  \"}]}", // 6 empty
                // completion
                COMPLETION, // 7 mixed format
                "[1,2]", // 8 not an object
                "{\"text\":\"x\"}") // 9 neither format
            + "\n";
    var r = validate(text);
    assertEquals(8, r.errors().size(), r.errors().toString());
    var lines = r.errors().stream().map(JsonlValidator.LineError::line).toList();
    assertEquals(java.util.List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), lines);
    assertTrue(r.errors().get(0).message().contains("no assistant message"));
    assertTrue(r.errors().get(1).message().startsWith("not valid JSON"));
    assertTrue(
        r.errors()
            .get(3)
            .message()
            .contains("role must be one of system, user, assistant, got \"wizard\""));
    assertTrue(r.errors().get(4).message().contains("content is empty"));
    assertTrue(r.errors().get(5).message().contains("like line 1"));
    assertTrue(r.summary().startsWith("line 2: "), r.summary());
  }

  @Test
  void completionMustNotBeEmpty() throws IOException {
    var r = validate("{\"prompt\":\"q\",\"completion\":\"\"}\n");
    assertEquals(
        "line 1: \"completion\" is empty; there is nothing to learn from",
        r.errors().get(0).describe());
  }

  @Test
  void sizeLimitsAreEnforced() throws IOException {
    var small = new JsonlValidator.Limits(1 << 20, 64, 2, 20);
    var longLine = validate(CHAT + "\n", small);
    assertEquals(1, longLine.errors().get(0).line());
    assertTrue(longLine.errors().get(0).message().contains("longer than the limit of 64 bytes"));
    var many = validate(COMPLETION + "\n" + COMPLETION + "\n" + COMPLETION + "\n", small);
    assertTrue(many.summary().contains("more than the limit of 2"), many.summary());
    var tiny = new JsonlValidator.Limits(100, 1 << 20, 100, 20);
    assertTrue(
        validate(CHAT + "\n" + CHAT + "\n", tiny)
            .summary()
            .contains("larger than the limit of 100 bytes"));
    assertTrue(validate("").summary().contains("file is empty"));
  }

  @Test
  void invalidUtf8IsReported() throws IOException {
    byte[] bad = {'{', '"', 'p', '"', ':', (byte) 0xC3, (byte) 0x28, '}', '\n'};
    var r =
        new JsonlValidator(JsonlValidator.Limits.DEFAULT).validate(new ByteArrayInputStream(bad));
    assertEquals("line 1: not valid UTF-8", r.errors().get(0).describe());
  }

  @Test
  void stopsAfterMaxErrors() throws IOException {
    var limits = new JsonlValidator.Limits(1 << 20, 1 << 10, 1000, 3);
    var r = validate("x\n".repeat(50), limits);
    assertEquals(3, r.errors().size());
  }
}
