package dev.cura.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cura.engine.nn.Nf4Weight;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads a linear stored under the bitsandbytes 4-bit keys (QLORA-SPEC §5) into an {@link
 * Nf4Weight}: {@code P.weight} (uint8 packed), {@code .absmax}, {@code .quant_map}, and with double
 * quantization {@code .nested_absmax}, {@code .nested_quant_map}; the non-tensor fields come from
 * the JSON in {@code P.weight.quant_state.bitsandbytes__nf4} (or {@code __fp4}).
 */
public final class BnbWeights {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BnbWeights() {}

  /** The quant-state key of {@code weightName} if present, else null. */
  public static String quantStateKey(WeightSource src, String weightName) {
    for (String kind : new String[] {"nf4", "fp4"}) {
      String key = weightName + ".quant_state.bitsandbytes__" + kind;
      if (src.has(key)) {
        return key;
      }
    }
    return null;
  }

  /** Loads the packed weight {@code weightName} (e.g. {@code ...q_proj.weight}). */
  public static Nf4Weight load(
      NDManager m, WeightSource src, String weightName, String stateKey, DataType compute) {
    JsonNode state = parseState(src, stateKey);
    JsonNode shape = state.path("shape");
    if (!shape.isArray() || shape.size() != 2) {
      throw new IllegalArgumentException(
          stateKey + ": expected a 2-D 'shape' for a linear weight, got " + shape);
    }
    int out = shape.get(0).asInt();
    int in = shape.get(1).asInt();
    int blocksize = state.path("blocksize").asInt(64);
    NDArray packed = TensorLoader.load(m, src.read(weightName), null);
    float[] code4 = floats(src.read(weightName + ".quant_map"));
    NDArray absmax = TensorLoader.load(m, src.read(weightName + ".absmax"), null);
    NDArray nestedAbsmax = null;
    NDArray nestedCode = null;
    float offset = 0f;
    int nestedBlock = 256;
    if (src.has(weightName + ".nested_absmax")) {
      nestedAbsmax =
          TensorLoader.load(m, src.read(weightName + ".nested_absmax"), DataType.FLOAT32);
      nestedCode =
          TensorLoader.load(m, src.read(weightName + ".nested_quant_map"), DataType.FLOAT32);
      if (!state.path("nested_offset").isNumber()) {
        throw new IllegalArgumentException(
            stateKey + ": nested_absmax present but no nested_offset");
      }
      offset = (float) state.get("nested_offset").asDouble();
      nestedBlock = state.path("nested_blocksize").asInt(256);
    } else {
      NDArray f = absmax.toType(DataType.FLOAT32, false);
      if (f != absmax) {
        absmax.close();
        absmax = f;
      }
    }
    return new Nf4Weight(
        m,
        out,
        in,
        blocksize,
        packed,
        code4,
        absmax,
        nestedAbsmax,
        nestedCode,
        offset,
        nestedBlock,
        compute);
  }

  static JsonNode parseState(WeightSource src, String stateKey) {
    ByteBuffer b = src.read(stateKey).data();
    byte[] bytes = new byte[b.remaining()];
    b.duplicate().get(bytes);
    try {
      return JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException(stateKey + ": quant state is not valid JSON", e);
    }
  }

  private static float[] floats(WeightSource.Tensor t) {
    if (!t.dtype().equals("F32")) {
      throw new IllegalArgumentException("quant_map must be F32, got " + t.dtype());
    }
    float[] f = new float[t.data().remaining() / 4];
    t.data().duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }
}
