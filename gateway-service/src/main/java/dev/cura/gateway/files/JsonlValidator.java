package dev.cura.gateway.files;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Validates a fine-tuning JSONL file line by line, before any job may use it. Every line must be
 * one JSON object in one of two formats, the same on every line:
 *
 * <ul>
 *   <li>chat: {@code {"messages":[{"role":"system|user|assistant","content":"…"},…]}} with at least
 *       one assistant message whose content is not blank (the loss is on assistant tokens);
 *   <li>completion: {@code {"prompt":"…","completion":"…"}} with a non-blank completion.
 * </ul>
 *
 * Blank lines, invalid UTF-8, lines over {@link Limits#maxLineBytes} and files over {@link
 * Limits#maxFileBytes} are errors. Errors name their 1-based line; up to {@link Limits#maxErrors}
 * are collected.
 */
public final class JsonlValidator {
  /** Chat message roles the engine's chat template knows. */
  public static final Set<String> ROLES = Set.of("system", "user", "assistant");

  /**
   * Size limits.
   *
   * @param maxFileBytes largest accepted file
   * @param maxLineBytes largest accepted line (one example), without its newline
   * @param maxExamples most examples (lines) in a file
   * @param maxErrors errors collected before stopping
   */
  public record Limits(long maxFileBytes, int maxLineBytes, long maxExamples, int maxErrors) {
    /** 512 MiB files, 1 MiB lines, 10 M examples, 20 errors. */
    public static final Limits DEFAULT = new Limits(512L << 20, 1 << 20, 10_000_000, 20);
  }

  /** The two accepted formats. */
  public enum Format {
    CHAT,
    COMPLETION;

    String shape() {
      return this == CHAT
          ? "a chat example {\"messages\":[…]}"
          : "a completion example {\"prompt\":…,\"completion\":…}";
    }
  }

  /** One problem, on a 1-based line (0 for the file as a whole). */
  public record LineError(long line, String message) {
    /** {@code line N: message}, or the message alone for file-level errors. */
    public String describe() {
      return line > 0 ? "line " + line + ": " + message : message;
    }
  }

  /**
   * What the validation found.
   *
   * @param format the file's format, null when no valid line was seen
   * @param examples number of lines (examples) read
   * @param bytes bytes read
   * @param errors problems, in line order; empty when the file is usable
   */
  public record Result(Format format, long examples, long bytes, List<LineError> errors) {
    public boolean valid() {
      return errors.isEmpty();
    }

    /** The first error and how many more there are, for an API error message. */
    public String summary() {
      if (errors.isEmpty()) {
        return "valid";
      }
      String first = errors.get(0).describe();
      if (errors.size() == 1) {
        return first;
      }
      var lines = errors.subList(1, Math.min(errors.size(), 6)).stream().map(LineError::line);
      return first
          + " (and "
          + (errors.size() - 1)
          + " more error(s), e.g. on line(s) "
          + lines.map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")
          + ")";
    }
  }

  private final Limits limits;
  private final ObjectMapper mapper =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  public JsonlValidator(Limits limits) {
    this.limits = limits;
  }

  /** Reads {@code in} to its end (or until too many errors) and validates every line. */
  public Result validate(InputStream in) throws IOException {
    var errors = new ArrayList<LineError>();
    var line = new ByteArrayOutputStream(4096);
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    var examples = new Examples();
    long lineNo = 0;
    long bytes = 0;
    boolean overlong = false;
    byte[] buf = new byte[1 << 16];
    int n;
    boolean pending = false; // bytes read since the last newline
    while ((n = in.read(buf)) > 0 && errors.size() < limits.maxErrors()) {
      bytes += n;
      if (bytes > limits.maxFileBytes()) {
        errors.add(
            new LineError(
                0,
                "file is larger than the limit of "
                    + limits.maxFileBytes()
                    + " bytes; split it or raise cura.files.max-bytes"));
        return new Result(examples.format, lineNo, bytes, errors);
      }
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (buf[i] != '\n') {
          continue;
        }
        lineNo++;
        if (!overlong) {
          line.write(buf, start, i - start);
        }
        String err = examples.check(lineNo, overlong, line, utf8);
        if (err != null) {
          errors.add(new LineError(lineNo, err));
          if (errors.size() >= limits.maxErrors()) {
            break;
          }
        }
        line.reset();
        overlong = false;
        start = i + 1;
        pending = false;
      }
      if (start < n) {
        pending = true;
        if (!overlong) {
          line.write(buf, start, n - start);
          overlong = line.size() > limits.maxLineBytes();
          if (overlong) {
            line.reset();
          }
        }
      }
    }
    if (pending && errors.size() < limits.maxErrors()) {
      // the last line has no trailing newline: still one example
      lineNo++;
      String err = examples.check(lineNo, overlong, line, utf8);
      if (err != null) {
        errors.add(new LineError(lineNo, err));
      }
    }
    if (lineNo == 0 && errors.isEmpty()) {
      errors.add(new LineError(0, "file is empty; expected one JSON example per line"));
    } else if (lineNo > limits.maxExamples()) {
      errors.add(
          new LineError(
              0,
              "file has " + lineNo + " examples, more than the limit of " + limits.maxExamples()));
    }
    return new Result(examples.format, lineNo, bytes, errors);
  }

  private record Checked(Format format, String error) {}

  /** The format of the file so far: the first good line's, which every other line must have. */
  private final class Examples {
    Format format;
    long formatLine;

    /** The error of one line (null when it is a good example of the file's format). */
    String check(long lineNo, boolean overlong, ByteArrayOutputStream line, CharsetDecoder utf8) {
      if (overlong || line.size() > limits.maxLineBytes()) {
        return "line is longer than the limit of " + limits.maxLineBytes() + " bytes";
      }
      var checked = checkLine(line.toByteArray(), utf8);
      if (checked.error != null) {
        return checked.error;
      }
      if (format == null) {
        format = checked.format;
        formatLine = lineNo;
        return null;
      }
      return checked.format == format
          ? null
          : "expected "
              + format.shape()
              + " like line "
              + formatLine
              + ", got "
              + checked.format.shape();
    }
  }

  private Checked checkLine(byte[] raw, CharsetDecoder utf8) {
    int len = raw.length;
    if (len > 0 && raw[len - 1] == '\r') {
      len--; // CRLF line endings
    }
    String text;
    try {
      text = utf8.reset().decode(ByteBuffer.wrap(raw, 0, len)).toString();
    } catch (CharacterCodingException e) {
      return new Checked(null, "not valid UTF-8");
    }
    if (text.isBlank()) {
      return new Checked(null, "line is blank; expected one JSON object per line");
    }
    JsonNode node;
    try {
      node = mapper.readTree(text);
    } catch (JacksonException e) {
      String msg = e.getOriginalMessage();
      int nl = msg.indexOf('\n');
      return new Checked(null, "not valid JSON: " + (nl < 0 ? msg : msg.substring(0, nl)));
    }
    if (node == null || !node.isObject()) {
      return new Checked(
          null,
          "expected a JSON object, got "
              + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
    }
    if (node.has("messages")) {
      return new Checked(Format.CHAT, checkChat(node.get("messages")));
    }
    if (node.has("prompt") || node.has("completion")) {
      return new Checked(Format.COMPLETION, checkCompletion(node));
    }
    return new Checked(
        null,
        "expected a \"messages\" array (chat) or \"prompt\" and \"completion\" strings, got fields "
            + fieldNames(node));
  }

  private static String checkChat(JsonNode messages) {
    if (!messages.isArray() || messages.isEmpty()) {
      return "\"messages\" must be a non-empty array, got "
          + (messages.isArray() ? "an empty array" : messages.getNodeType().name().toLowerCase());
    }
    boolean answered = false;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String at = "messages[" + i + "]";
      if (!m.isObject()) {
        return at + " must be an object {\"role\",\"content\"}";
      }
      JsonNode role = m.get("role");
      if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
        return at
            + ".role must be one of system, user, assistant, got "
            + (role == null ? "nothing" : role.toString());
      }
      JsonNode content = m.get("content");
      if (content == null || !content.isTextual()) {
        return at
            + ".content must be a string, got "
            + (content == null ? "nothing" : content.getNodeType().name().toLowerCase());
      }
      if (role.asText().equals("assistant")) {
        if (content.asText().isBlank()) {
          return at + ".content is empty; an assistant message must have text to learn from";
        }
        answered = true;
      }
    }
    return answered ? null : "no assistant message; a chat example needs one to learn from";
  }

  private static String checkCompletion(JsonNode node) {
    JsonNode prompt = node.get("prompt");
    JsonNode completion = node.get("completion");
    if (prompt == null || !prompt.isTextual()) {
      return "\"prompt\" must be a string, got "
          + (prompt == null ? "nothing" : prompt.getNodeType().name().toLowerCase());
    }
    if (completion == null || !completion.isTextual()) {
      return "\"completion\" must be a string, got "
          + (completion == null ? "nothing" : completion.getNodeType().name().toLowerCase());
    }
    if (completion.asText().isBlank()) {
      return "\"completion\" is empty; there is nothing to learn from";
    }
    return null;
  }

  private static String fieldNames(JsonNode node) {
    var names = new ArrayList<String>();
    node.fieldNames().forEachRemaining(names::add);
    return names.isEmpty() ? "none" : names.toString();
  }
}
