package dev.cura.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/**
 * How to materialize a checkpoint.
 *
 * @param quant NF4 quantizes unquantized decoder linears in memory (pre-quantized artifacts stay as
 *     stored either way); NONE keeps them dense
 * @param device where tensors live
 * @param computeDtype float32 on CPU, bf16 on a GPU (QLORA-SPEC §8)
 */
public record LoadOptions(Quant quant, Device device, DataType computeDtype) {
  /** Base-weight storage of decoder linears. */
  public enum Quant {
    NONE,
    NF4;

    /** Parses {@code nf4|none}. */
    public static Quant parse(String s) {
      return switch (s.toLowerCase(java.util.Locale.ROOT)) {
        case "nf4" -> NF4;
        case "none" -> NONE;
        default ->
            throw new IllegalArgumentException("--quant must be nf4 or none, got '" + s + "'");
      };
    }
  }

  /** CPU, float32, the given quantization. */
  public static LoadOptions cpu(Quant quant) {
    return new LoadOptions(quant, Device.cpu(), DataType.FLOAT32);
  }

  /** The same with another compute dtype. */
  public LoadOptions withComputeDtype(DataType dtype) {
    return new LoadOptions(quant, device, dtype);
  }
}
