package dev.cura.engine.nn;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/** The compute dtypes a user can ask for, by the names the CLI and job requests use. */
public final class DtypeNames {
  private DtypeNames() {}

  /**
   * {@code bf16|bfloat16|fp32|float32} → the dtype; {@code auto} → null (the device's default, see
   * {@link ComputeDevice#defaultComputeDtype}).
   */
  public static DataType parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "bf16", "bfloat16" -> DataType.BFLOAT16;
      case "fp32", "float32" -> DataType.FLOAT32;
      case "auto" -> null;
      default ->
          throw new IllegalArgumentException(
              "compute dtype must be bf16, fp32 or auto, got '" + name + "'");
    };
  }

  /** The dtype asked for, or the device's default for {@code auto}. */
  public static DataType resolve(String name, ComputeDevice device) {
    DataType t = parse(name);
    return t == null ? device.defaultComputeDtype() : t;
  }

  /** bf16, fp32, fp16 or fp64. */
  public static String name(DataType t) {
    return switch (t) {
      case BFLOAT16 -> "bf16";
      case FLOAT32 -> "fp32";
      case FLOAT16 -> "fp16";
      case FLOAT64 -> "fp64";
      default -> t.toString();
    };
  }
}
