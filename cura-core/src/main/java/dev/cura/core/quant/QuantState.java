package dev.cura.core.quant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cura.core.safetensors.TensorBytes;
import dev.cura.core.tensor.DType;
import dev.cura.core.util.FormatException;
import dev.cura.core.util.Json;
import dev.cura.core.util.PyFloat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything needed besides the packed codes to dequantize one 4-bit weight (bitsandbytes {@code
 * QuantState}), with exactly one serialized form: the keys of {@code QuantState.as_dict(packed =
 * True)} under the weight's key (QLORA-SPEC §5):
 *
 * <pre>
 *   W.absmax                            uint8 [nBlocks] (nested) | float32 [nBlocks]
 *   W.quant_map                         float32 [16]
 *   W.nested_absmax                     float32 [ceil(nBlocks/256)]     (nested only)
 *   W.nested_quant_map                  float32 [256]                   (nested only)
 *   W.quant_state.bitsandbytes__nf4     uint8 [len] UTF-8 JSON, json.dumps of
 *       {"quant_type", "blocksize", "dtype", "shape"[, "nested_blocksize", "nested_dtype",
 *        "nested_offset"]}
 * </pre>
 *
 * where W is the weight key (e.g. {@code model.layers.0.self_attn.q_proj.weight}), itself holding
 * the packed codes, uint8 {@code [(n+1)/2, 1]}.
 *
 * @param quantType NF4 or FP4
 * @param blocksize first-level block size B
 * @param dtype the original weight dtype (dequantization target)
 * @param shape the original weight shape, e.g. [out, in]
 * @param code the 16-value 4-bit code (quant_map)
 * @param absmax float32 [nBlocks] when not nested, else null
 * @param qabsmax uint8 [nBlocks] indices into {@code nestedCode} when nested, else null
 * @param nestedAbsmax float32 [ceil(nBlocks/256)] when nested, else null
 * @param nestedCode the 256-value signed dynamic map when nested, else null
 * @param offset the mean that was subtracted before nesting (0 when not nested)
 */
public record QuantState(
    QuantType quantType,
    int blocksize,
    DType dtype,
    long[] shape,
    float[] code,
    float[] absmax,
    byte[] qabsmax,
    float[] nestedAbsmax,
    float[] nestedCode,
    float offset) {

  public static final String JSON_KEY_PREFIX = ".quant_state.bitsandbytes__";

  public QuantState {
    shape = shape.clone();
  }

  /** True when the absmax constants are double-quantized. */
  public boolean nested() {
    return qabsmax != null;
  }

  /** Number of weight elements. */
  public long numel() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Number of first-level blocks: {@code ceil(n / B)}. */
  public int blocks() {
    return (int) QuantType.blocks(numel(), blocksize);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /**
   * The first-level absmax as float32: stored values, or the double-dequantized ones ({@code
   * nestedCode[q] * nestedAbsmax[b/256] + offset}).
   */
  public float[] effectiveAbsmax() {
    if (!nested()) {
      return absmax;
    }
    float[] out = new float[qabsmax.length];
    for (int b = 0; b < out.length; b++) {
      float t = nestedCode[qabsmax[b] & 0xFF] * nestedAbsmax[b / DoubleQuant.NESTED_BLOCKSIZE];
      out[b] = t + offset;
    }
    return out;
  }

  /** Storage bits per parameter of the packed codes plus constants (code tables excluded). */
  public double bitsPerParam() {
    long n = numel();
    double bits = 8.0 * QuantType.packedBytes(n);
    bits += nested() ? 8.0 * qabsmax.length + 32.0 * nestedAbsmax.length : 32.0 * absmax.length;
    return bits / n;
  }

  // ---- construction ------------------------------------------------------------------------

  /** State of a weight quantized without double quantization. */
  public static QuantState plain(
      QuantType type, int blocksize, DType dtype, long[] shape, float[] absmax) {
    return new QuantState(type, blocksize, dtype, shape, type.code(), absmax, null, null, null, 0f);
  }

  /** State of a weight whose absmax is double-quantized ({@link DoubleQuant#quantize}). */
  public static QuantState nested(
      QuantType type, int blocksize, DType dtype, long[] shape, float[] absmax) {
    DoubleQuant.Nested dq = DoubleQuant.quantize(absmax, absmax.length);
    return new QuantState(
        type,
        blocksize,
        dtype,
        shape,
        type.code(),
        null,
        dq.qabsmax(),
        dq.nestedAbsmax(),
        DynamicMap.signed(),
        dq.offset());
  }

  // ---- serialized form ---------------------------------------------------------------------

  /** The key of the JSON blob for weight key {@code w}. */
  public String jsonKey(String weightKey) {
    return weightKey + JSON_KEY_PREFIX + quantType.jsonName();
  }

  /** The JSON exactly as {@code json.dumps} writes it (field order, ", " and ": "). */
  public String json() {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"quant_type\": \"").append(quantType.jsonName()).append('"');
    sb.append(", \"blocksize\": ").append(blocksize);
    sb.append(", \"dtype\": \"").append(dtype.torchName()).append('"');
    sb.append(", \"shape\": [");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    sb.append(']');
    if (nested()) {
      sb.append(", \"nested_blocksize\": ").append(DoubleQuant.NESTED_BLOCKSIZE);
      sb.append(", \"nested_dtype\": \"float32\"");
      sb.append(", \"nested_offset\": ").append(PyFloat.repr(offset));
    }
    return sb.append('}').toString();
  }

  /**
   * The bitsandbytes tensors for weight key {@code weightKey} (all but the packed weight itself),
   * in {@code as_dict} order.
   */
  public Map<String, TensorBytes> toTensors(String weightKey) {
    Map<String, TensorBytes> out = new LinkedHashMap<>();
    out.put(
        weightKey + ".absmax",
        nested() ? TensorBytes.ofBytes(qabsmax) : TensorBytes.ofFloats(absmax));
    out.put(weightKey + ".quant_map", TensorBytes.ofFloats(code));
    if (nested()) {
      out.put(weightKey + ".nested_absmax", TensorBytes.ofFloats(nestedAbsmax));
      out.put(weightKey + ".nested_quant_map", TensorBytes.ofFloats(nestedCode));
    }
    out.put(jsonKey(weightKey), TensorBytes.ofBytes(json().getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  /** Shape of the packed weight tensor: {@code [(n+1)/2, 1]} uint8. */
  public long[] packedShape() {
    return new long[] {QuantType.packedBytes(numel()), 1};
  }

  /**
   * Reads and validates the state stored under {@code weightKey}. {@code lookup} returns a tensor
   * or null if absent.
   *
   * @throws FormatException naming the missing or inconsistent key
   */
  public static QuantState fromTensors(String weightKey, Function<String, TensorBytes> lookup)
      throws FormatException {
    TensorBytes nf4 = lookup.apply(weightKey + JSON_KEY_PREFIX + "nf4");
    TensorBytes fp4 = lookup.apply(weightKey + JSON_KEY_PREFIX + "fp4");
    if (nf4 == null && fp4 == null) {
      throw new FormatException(
          "missing key " + weightKey + JSON_KEY_PREFIX + "nf4 (or __fp4): not a 4-bit weight");
    }
    if (nf4 != null && fp4 != null) {
      throw new FormatException(
          weightKey + ": both " + JSON_KEY_PREFIX + "nf4 and __fp4 present; expected exactly one");
    }
    QuantType keyType = nf4 != null ? QuantType.NF4 : QuantType.FP4;
    TensorBytes blob = nf4 != null ? nf4 : fp4;
    String jsonKey = weightKey + JSON_KEY_PREFIX + keyType.jsonName();
    if (blob.dtype() != DType.U8) {
      throw new FormatException(jsonKey + ": expected uint8 JSON bytes, got " + blob.dtype());
    }
    JsonNode j;
    try {
      j = Json.MAPPER.readTree(blob.bytes());
    } catch (java.io.IOException e) {
      throw new FormatException(jsonKey + ": not valid JSON: " + e.getMessage());
    }
    if (j == null || !j.isObject()) {
      throw new FormatException(jsonKey + ": expected a JSON object");
    }
    for (Iterator<String> it = j.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!Arrays.asList(
              "quant_type",
              "blocksize",
              "dtype",
              "shape",
              "nested_blocksize",
              "nested_dtype",
              "nested_offset")
          .contains(f)) {
        throw new FormatException(jsonKey + ": unexpected field " + f);
      }
    }
    String qt = text(j, "quant_type", jsonKey);
    if (!qt.equals(keyType.jsonName())) {
      throw new FormatException(
          jsonKey + ": quant_type is " + qt + " but the key says " + keyType.jsonName());
    }
    int blocksize = j.path("blocksize").asInt(-1);
    try {
      QuantType.checkBlocksize(blocksize);
    } catch (IllegalArgumentException e) {
      throw new FormatException(jsonKey + ": " + e.getMessage());
    }
    DType dtype;
    try {
      dtype = DType.fromTorchName(text(j, "dtype", jsonKey));
    } catch (IllegalArgumentException e) {
      throw new FormatException(jsonKey + ": " + e.getMessage());
    }
    JsonNode sh = j.get("shape");
    if (sh == null || !sh.isArray()) {
      throw new FormatException(jsonKey + ": shape missing or not a list");
    }
    long[] shape = new long[sh.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!sh.get(i).canConvertToLong() || sh.get(i).asLong() < 0) {
        throw new FormatException(jsonKey + ": shape entries must be non-negative integers");
      }
      shape[i] = sh.get(i).asLong();
    }
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    long blocks = QuantType.blocks(n, blocksize);
    boolean nested = j.has("nested_offset");
    TensorBytes code = require(lookup, weightKey + ".quant_map", DType.F32, 16);
    float[] codeV = code.floats();
    if (!Arrays.equals(codeV, keyType.code())) {
      throw new FormatException(
          weightKey + ".quant_map: does not match the " + keyType.jsonName() + " table");
    }
    if (!nested) {
      for (String k : new String[] {".nested_absmax", ".nested_quant_map"}) {
        if (lookup.apply(weightKey + k) != null) {
          throw new FormatException(
              weightKey + k + " present but the JSON has no nested_offset (not double-quantized)");
        }
      }
      float[] absmax = require(lookup, weightKey + ".absmax", DType.F32, blocks).floats();
      return new QuantState(keyType, blocksize, dtype, shape, codeV, absmax, null, null, null, 0f);
    }
    if (j.path("nested_blocksize").asInt(-1) != DoubleQuant.NESTED_BLOCKSIZE) {
      throw new FormatException(
          jsonKey + ": nested_blocksize must be 256, got " + j.get("nested_blocksize"));
    }
    if (!"float32".equals(j.path("nested_dtype").asText(""))) {
      throw new FormatException(
          jsonKey + ": nested_dtype must be float32, got " + j.get("nested_dtype"));
    }
    JsonNode off = j.get("nested_offset");
    if (!off.isNumber()) {
      throw new FormatException(jsonKey + ": nested_offset must be a number, got " + off);
    }
    float offset = (float) off.asDouble();
    byte[] q = require(lookup, weightKey + ".absmax", DType.U8, blocks).bytes();
    float[] nestedAbsmax =
        require(lookup, weightKey + ".nested_absmax", DType.F32, (blocks + 255) / 256).floats();
    float[] nestedCode = require(lookup, weightKey + ".nested_quant_map", DType.F32, 256).floats();
    return new QuantState(
        keyType, blocksize, dtype, shape, codeV, null, q, nestedAbsmax, nestedCode, offset);
  }

  private static String text(JsonNode j, String field, String where) throws FormatException {
    JsonNode v = j.get(field);
    if (v == null || !v.isTextual()) {
      throw new FormatException(where + ": " + field + " missing or not a string");
    }
    return v.asText();
  }

  private static TensorBytes require(
      Function<String, TensorBytes> lookup, String key, DType dtype, long numel)
      throws FormatException {
    TensorBytes t = lookup.apply(key);
    if (t == null) {
      throw new FormatException("missing key " + key);
    }
    if (t.dtype() != dtype || t.numel() != numel) {
      throw new FormatException(
          key
              + ": expected "
              + dtype
              + " with "
              + numel
              + " elements, got "
              + t.dtype()
              + Arrays.toString(t.shape()));
    }
    return t;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantState s
        && quantType == s.quantType
        && blocksize == s.blocksize
        && dtype == s.dtype
        && Arrays.equals(shape, s.shape)
        && Arrays.equals(code, s.code)
        && Arrays.equals(absmax, s.absmax)
        && Arrays.equals(qabsmax, s.qabsmax)
        && Arrays.equals(nestedAbsmax, s.nestedAbsmax)
        && Arrays.equals(nestedCode, s.nestedCode)
        && Float.floatToIntBits(offset) == Float.floatToIntBits(s.offset);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + quantType.hashCode();
  }

  @Override
  public String toString() {
    return "QuantState" + json();
  }
}
