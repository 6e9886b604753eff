package dev.cura.engine.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and validates fine-tuning JSONL: one JSON object per line, either {@code {"messages":
 * [{"role", "content"}, ...]}} (roles system/user/assistant, at least one assistant message) or
 * {@code {"prompt": "...", "completion": "..."}}. Every error names the file and line.
 */
public final class JsonlDataset {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ROLES = Set.of("system", "user", "assistant");

  private JsonlDataset() {}

  public static List<Conversation> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("data file not found: " + file);
    }
    List<Conversation> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      int line = 0;
      while ((text = r.readLine()) != null) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        out.add(parse(text, file.getFileName() + ":" + line, line));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": no records (expected JSON lines)");
    }
    return out;
  }

  /** Parses one line; {@code where} ("file:line") prefixes every error. */
  public static Conversation parse(String text, String where, int line) {
    JsonNode n;
    try {
      n = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      // no parser message: it quotes the text it choked on, and a data error never quotes data
      throw new IllegalArgumentException(
          where
              + ": not valid JSON"
              + (e.getLocation() == null ? "" : " (column " + e.getLocation().getColumnNr() + ")"));
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(where + ": expected a JSON object, got " + kind(n));
    }
    if (n.has("messages")) {
      JsonNode msgs = n.get("messages");
      if (!msgs.isArray() || msgs.isEmpty()) {
        throw new IllegalArgumentException(
            where + ": 'messages' must be a non-empty array, got " + kind(msgs));
      }
      List<Conversation.Message> list = new ArrayList<>();
      boolean assistant = false;
      for (int i = 0; i < msgs.size(); i++) {
        JsonNode m = msgs.get(i);
        String role = m.path("role").asText(null);
        JsonNode content = m.get("content");
        if (role == null || !ROLES.contains(role)) {
          throw new IllegalArgumentException(
              where
                  + ": messages["
                  + i
                  + "].role must be system, user or assistant, got "
                  + kind(m.get("role")));
        }
        if (content == null || !content.isTextual()) {
          throw new IllegalArgumentException(
              where + ": messages[" + i + "].content must be a string, got " + kind(content));
        }
        assistant |= role.equals("assistant");
        list.add(new Conversation.Message(role, content.asText()));
      }
      if (!assistant) {
        throw new IllegalArgumentException(
            where + ": expected at least one assistant message to learn from");
      }
      return new Conversation(list, false, line);
    }
    if (n.has("prompt") || n.has("completion")) {
      JsonNode p = n.get("prompt");
      JsonNode c = n.get("completion");
      if (p == null || !p.isTextual() || c == null || !c.isTextual()) {
        throw new IllegalArgumentException(
            where
                + ": 'prompt' and 'completion' must both be strings, got "
                + kind(p)
                + " and "
                + kind(c));
      }
      return new Conversation(
          List.of(
              new Conversation.Message("user", p.asText()),
              new Conversation.Message("assistant", c.asText())),
          true,
          line);
    }
    throw new IllegalArgumentException(
        where + ": expected 'messages' or 'prompt'/'completion', got " + kind(n) + " without them");
  }

  /**
   * What kind of value came — never the value itself: error messages reach whoever runs the job,
   * who need not be the file's owner (a data error never quotes data).
   */
  private static String kind(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    return switch (n.getNodeType()) {
      case STRING -> n.asText().isEmpty() ? "an empty string" : "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case ARRAY -> "an array of " + n.size();
      case OBJECT -> "an object with " + n.size() + " field(s)";
      default -> "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
