package dev.cura.core.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;

/** The one Jackson mapper cura-core uses: strict about duplicates, pretty output for files. */
public final class Json {
  /**
   * Strict reader: duplicate keys are an error (a safetensors header with a key twice is
   * ambiguous), big numbers are kept exact.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .build();

  static {
    // safetensors headers are bounded to 100 MB by the format; allow long strings up to that
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxStringLength(100_000_000)
                .maxNestingDepth(64)
                .maxNumberLength(100)
                .build());
  }

  private Json() {}

  /**
   * A parser's complaint on one line: what it found and where ({@code line L, column C}), without
   * the source excerpt and line breaks Jackson's own message carries.
   */
  public static String describe(JsonProcessingException e) {
    String what =
        String.valueOf(e.getOriginalMessage())
            .replaceAll(
                "\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
            .replaceAll("\\s*[\\r\\n]+\\s*", " ")
            .strip();
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 1
        ? what
        : what + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }

  /**
   * {@code value} as JSON text written by {@code mapper}. For values the caller builds itself
   * (maps, records): one that cannot be written is a programming error, not a condition to handle.
   *
   * @throws IllegalStateException when {@code mapper} cannot write {@code value}
   */
  public static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Checks that {@code file} holds well-formed JSON (streamed: its size does not matter).
   *
   * @throws FormatException naming the file and, on one line, what is wrong where
   */
  public static void requireWellFormed(Path file) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
      if (p.nextToken() == null) {
        throw new FormatException(file + ": not valid JSON: the file is empty");
      }
      p.skipChildren();
      while (p.nextToken() != null) {
        p.skipChildren();
      }
    } catch (JsonProcessingException e) {
      throw new FormatException(file + ": not valid JSON: " + describe(e));
    }
  }
}
