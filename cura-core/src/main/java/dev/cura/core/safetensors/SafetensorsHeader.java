package dev.cura.core.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.core.tensor.DType;
import dev.cura.core.util.FormatException;
import dev.cura.core.util.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed and validated safetensors header.
 *
 * <p>File layout: {@code u64 little-endian N}, then N bytes of UTF-8 JSON, then the data section.
 * The JSON maps each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}}
 * (offsets relative to the data section) plus an optional {@code "__metadata__"} string map.
 *
 * <p>Validation (so a hostile file gives an error, never a crash or a huge allocation): N ≤ 100 MB
 * (the limit of the reference implementation) and within the file; JSON well-formed, no duplicate
 * keys, no unknown fields; dtype known; shape non-negative and its byte size equal to {@code end -
 * begin} without overflow; every range inside the data section; no two ranges overlap.
 *
 * @param tensors tensors in data-offset (file) order
 * @param metadata the {@code __metadata__} map (empty if absent)
 */
public record SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
  /** Upper bound of the JSON header (same as the reference Rust implementation). */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  /**
   * Parses and validates a header.
   *
   * @param json the N header bytes
   * @param dataLength size of the data section (file size − 8 − N)
   * @param source file name for messages
   */
  public static SafetensorsHeader parse(byte[] json, long dataLength, String source)
      throws FormatException {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new FormatException(
          source + ": safetensors header is not valid JSON: " + Json.describe(e));
    } catch (java.io.IOException e) {
      throw new FormatException(source + ": cannot read safetensors header: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new FormatException(source + ": safetensors header must be a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<TensorInfo> list = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = root.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode v = e.getValue();
      if (name.equals("__metadata__")) {
        if (!v.isObject()) {
          throw new FormatException(source + ": __metadata__ must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> kv = m.next();
          if (!kv.getValue().isTextual()) {
            throw new FormatException(
                source
                    + ": __metadata__."
                    + kv.getKey()
                    + " must be a string, got "
                    + kv.getValue());
          }
          metadata.put(kv.getKey(), kv.getValue().asText());
        }
        continue;
      }
      list.add(parseTensor(name, v, dataLength, source));
    }
    list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long prevEnd = 0;
    String prevName = null;
    for (TensorInfo t : list) {
      if (t.begin() < prevEnd) {
        throw new FormatException(
            source
                + ": tensor "
                + t.name()
                + " ["
                + t.begin()
                + ","
                + t.end()
                + ") overlaps "
                + prevName
                + " which ends at "
                + prevEnd);
      }
      if (t.end() > prevEnd) {
        prevEnd = t.end();
        prevName = t.name();
      }
    }
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (TensorInfo t : list) {
      tensors.put(t.name(), t);
    }
    return new SafetensorsHeader(
        Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
  }

  private static TensorInfo parseTensor(String name, JsonNode v, long dataLength, String source)
      throws FormatException {
    String where = source + ": tensor " + name;
    if (!v.isObject()) {
      throw new FormatException(where + ": expected an object with dtype, shape, data_offsets");
    }
    for (Iterator<String> f = v.fieldNames(); f.hasNext(); ) {
      String field = f.next();
      if (!field.equals("dtype") && !field.equals("shape") && !field.equals("data_offsets")) {
        throw new FormatException(where + ": unknown field " + field);
      }
    }
    JsonNode dt = v.get("dtype");
    if (dt == null || !dt.isTextual()) {
      throw new FormatException(where + ": dtype missing or not a string");
    }
    DType dtype;
    try {
      dtype = DType.fromSafetensors(dt.asText());
    } catch (IllegalArgumentException e) {
      throw new FormatException(where + ": " + e.getMessage());
    }
    long[] shape = longArray(v.get("shape"), -1, where + ": shape");
    long[] offs = longArray(v.get("data_offsets"), 2, where + ": data_offsets");
    long begin = offs[0];
    long end = offs[1];
    if (begin > end) {
      throw new FormatException(where + ": data_offsets begin " + begin + " is after end " + end);
    }
    if (end > dataLength) {
      throw new FormatException(
          where
              + ": data_offsets end "
              + end
              + " is past the end of the data section ("
              + dataLength
              + " bytes; file truncated?)");
    }
    long bytes;
    try {
      bytes = dtype.byteSizeFor(TensorInfo.numel(shape));
    } catch (ArithmeticException e) {
      throw new FormatException(where + ": shape too large (element count overflows)");
    }
    if (bytes != end - begin) {
      throw new FormatException(
          where
              + ": "
              + dtype
              + java.util.Arrays.toString(shape)
              + " needs "
              + bytes
              + " bytes but data_offsets span "
              + (end - begin));
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  private static long[] longArray(JsonNode node, int expectedLen, String what)
      throws FormatException {
    if (node == null || !node.isArray()) {
      throw new FormatException(what + " missing or not an array");
    }
    if (expectedLen >= 0 && node.size() != expectedLen) {
      throw new FormatException(
          what + ": expected " + expectedLen + " entries, got " + node.size());
    }
    if (node.size() > 64) {
      throw new FormatException(what + ": more than 64 dimensions");
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode n = node.get(i);
      if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
        throw new FormatException(
            what + ": entry " + i + " must be a non-negative integer, got " + n);
      }
      out[i] = n.asLong();
    }
    return out;
  }
}
