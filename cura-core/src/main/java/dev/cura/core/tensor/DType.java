package dev.cura.core.tensor;

import java.util.Locale;

/**
 * Element types as safetensors names them ({@code "F32"}, {@code "BF16"}, …), with their byte
 * sizes, the PyTorch names bitsandbytes writes into its quant-state JSON ({@code "float32"}, …),
 * and the float conversions CURA needs.
 *
 * <p>bf16 → f32 is exact (the bf16 bits are the high half of the f32 bits). f32 → bf16 rounds to
 * nearest, ties to even, NaN → 0x7FC0, exactly as {@code c10::BFloat16} does, so a tensor converted
 * here and by PyTorch has the same bits. f16 uses the JDK's IEEE conversions (also
 * round-to-nearest-even).
 */
public enum DType {
  BOOL(1, "bool"),
  U8(1, "uint8"),
  I8(1, "int8"),
  F8_E5M2(1, "float8_e5m2"),
  F8_E4M3(1, "float8_e4m3fn"),
  I16(2, "int16"),
  U16(2, "uint16"),
  F16(2, "float16"),
  BF16(2, "bfloat16"),
  I32(4, "int32"),
  U32(4, "uint32"),
  F32(4, "float32"),
  I64(8, "int64"),
  U64(8, "uint64"),
  F64(8, "float64");

  private final int byteSize;
  private final String torchName;

  DType(int byteSize, String torchName) {
    this.byteSize = byteSize;
    this.torchName = torchName;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** The name safetensors uses in its header, e.g. {@code "BF16"}. */
  public String safetensorsName() {
    return name();
  }

  /** The name {@code str(torch.dtype)} gives without the {@code torch.} prefix. */
  public String torchName() {
    return torchName;
  }

  /** True for F32, F16 and BF16: the types {@link #readFloat} converts. */
  public boolean isFloat16or32() {
    return this == F32 || this == F16 || this == BF16;
  }

  /**
   * Parses a safetensors dtype name.
   *
   * @throws IllegalArgumentException naming the unknown value
   */
  public static DType fromSafetensors(String name) {
    try {
      return valueOf(name);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "unknown safetensors dtype: expected one of F32, F16, BF16, F64, U8, I8, I16, I32, I64,"
              + " U16, U32, U64, BOOL, F8_E5M2, F8_E4M3, got "
              + name);
    }
  }

  /** Parses a PyTorch dtype name as found in bitsandbytes JSON ({@code "bfloat16"}). */
  public static DType fromTorchName(String name) {
    String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
    for (DType t : values()) {
      if (t.torchName.equals(n)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown torch dtype: expected float32, float16 or bfloat16 (or another torch dtype name),"
            + " got "
            + name);
  }

  /** Byte size of {@code numel} elements, checking for overflow. */
  public long byteSizeFor(long numel) {
    return Math.multiplyExact(numel, (long) byteSize);
  }

  // ---- conversions ---------------------------------------------------------------------------

  /** bf16 bits → f32 (exact). */
  public static float bf16ToF32(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  /** f32 → bf16 bits, round to nearest even; NaN becomes the canonical 0x7FC0 (as PyTorch). */
  public static short f32ToBf16(float value) {
    if (Float.isNaN(value)) {
      return (short) 0x7FC0;
    }
    int bits = Float.floatToRawIntBits(value);
    int roundingBias = ((bits >>> 16) & 1) + 0x7FFF;
    return (short) ((bits + roundingBias) >>> 16);
  }

  /** f16 bits → f32 (exact). */
  public static float f16ToF32(short bits) {
    return Float.float16ToFloat(bits);
  }

  /** f32 → f16 bits, round to nearest even. */
  public static short f32ToF16(float value) {
    return Float.floatToFloat16(value);
  }

  /** Rounds an f32 value to this (float) dtype and back, e.g. to emulate a bf16 store. */
  public float roundTrip(float value) {
    return switch (this) {
      case F32 -> value;
      case BF16 -> bf16ToF32(f32ToBf16(value));
      case F16 -> f16ToF32(f32ToF16(value));
      default -> throw new IllegalArgumentException("not a float dtype: " + this);
    };
  }
}
