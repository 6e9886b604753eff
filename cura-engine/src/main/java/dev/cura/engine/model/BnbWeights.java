package dev.cura.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.cura.core.quant.QuantState;
import dev.cura.core.quant.QuantType;
import dev.cura.core.safetensors.TensorBytes;
import dev.cura.core.tensor.DType;
import dev.cura.core.util.FormatException;
import dev.cura.engine.nn.Nf4Weight;

/**
 * Reads a linear stored under the bitsandbytes 4-bit keys (QLORA-SPEC §5) into an {@link
 * Nf4Weight}: the state through cura-core's {@link QuantState#fromTensors} (one serialized form,
 * validated), the packed codes {@code P.weight} straight into a uint8 NDArray.
 */
public final class BnbWeights {
  private BnbWeights() {}

  /** The quant-state key of {@code weightName} if present, else null. */
  public static String quantStateKey(WeightSource src, String weightName) {
    for (QuantType kind : QuantType.values()) {
      String key = weightName + QuantState.JSON_KEY_PREFIX + kind.jsonName();
      if (src.has(key)) {
        return key;
      }
    }
    return null;
  }

  /** Loads the packed weight {@code weightName} (e.g. {@code ...q_proj.weight}). */
  public static Nf4Weight load(NDManager m, WeightSource src, String weightName, DataType compute) {
    QuantState state;
    try {
      state = QuantState.fromTensors(weightName, key -> src.has(key) ? bytes(src.read(key)) : null);
    } catch (FormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    NDArray packed = TensorLoader.load(m, src, weightName, null);
    return Nf4Weight.of(m, state, packed, compute);
  }

  private static TensorBytes bytes(WeightSource.Tensor t) {
    byte[] b = new byte[t.data().remaining()];
    t.data().duplicate().get(b);
    return new TensorBytes(DType.fromSafetensors(t.dtype()), t.shape(), b);
  }
}
