package dev.cura.core.util;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

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
}
